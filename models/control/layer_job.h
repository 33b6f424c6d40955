#pragma once
// The controller's layer register: what it publishes to the load, compute and store units when
// it has fetched and decoded a descriptor. In hardware these are the registers the controller
// loads in each unit (the descriptor's fields and the loop bounds of the tiles and steps); here
// the decoded layer travels on one signal, and a new sequence number starts a layer.
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include <systemc>

#include "models/control/layer_plan.h"
#include "models/control/program.h"
#include "models/pe_array/weight_layout.h"

namespace shiftsim::models {

struct LayerJob {
  Descriptor desc;
  LayerPlan plan;
  std::optional<WeightLayout> layout;  // conv layers: how the weight blocks are packed
};

struct LayerRegister {
  uint32_t seq = 0;  // layers published so far
  std::shared_ptr<const LayerJob> job;

  bool operator==(const LayerRegister& o) const { return seq == o.seq && job == o.job; }
  const LayerJob& operator*() const { return *job; }
  const LayerJob* operator->() const { return job.get(); }
};

inline std::ostream& operator<<(std::ostream& os, const LayerRegister& r) { return os << r.seq; }

// A SystemC trace file sees the sequence number.
inline void sc_trace(sc_core::sc_trace_file* tf, const LayerRegister& r, const std::string& name) {
  sc_core::sc_trace(tf, r.seq, name);
}

}  // namespace shiftsim::models
