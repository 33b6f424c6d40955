#pragma once
// The compute unit as Verilated RTL (rtl/cu_top.v, docs/RTL.md), a drop-in for the native
// ComputeUnit with the same ports (`pe_array.impl = rtl`). The RTL decides every cycle: what
// to issue, preload, read and retire, the hazard stalls and the handshake toggles (its ports
// drive the in_freed / out_filled signals themselves). This wrapper is the RTL's surroundings:
// it serves the buffer reads the RTL asks for (window, weight piece, accumulator entry) through
// the buffers' ports in the cycle it asks, writes the accumulate stage's entries back, feeds
// the record of the step the RTL is at, runs the pooling / element-wise arithmetic the RTL
// sequences, and counts cycles, activity and trace signals from the RTL's outputs as the
// native unit counts them from its own state.
#include <cstdint>
#include <memory>
#include <vector>

#include "models/pe_array/compute_unit.h"
#include "models/pe_array/rtl_core.h"

namespace shiftsim::models {

class RtlComputeUnit : public ComputeUnitPorts {
 public:
  RtlComputeUnit(sc_core::sc_module_name name, UnitEnv& env, const RtlShapeEntry& shape);
  const std::vector<UnitPass>& passes() const override { return passes_; }

 private:
  void run();
  void cycle();          // one edge's work, a delta after the RTL's registers moved
  void check_layer();    // a new layer in the layer register: its constants and step 0's record
  RtlStepIn step_record(uint32_t s) const;
  void issue(const RtlOut& o);
  void preload(const RtlOut& o);
  void read_entries(const RtlOut& o);
  void mark(const RtlOut& o);
  void start_of_simulation() override;

  UnitEnv& env_;
  RtlShape shape_;
  std::unique_ptr<RtlCore> core_;
  LayerRegister job_;
  std::vector<UnitPass> passes_;
  std::vector<uint32_t> step_tile_;   // tile of each step (conv)
  bool go_ = false, conv_ = false, edge_pending_ = false, was_active_ = false, reset_done_ = false;
  uint64_t step_issues_ = 0;
  VectorDatapath vector_;
  OutputHalf* out_half_[2] = {nullptr, nullptr};
  uint32_t out_mc_[2] = {0, 0}, out_pixels_[2] = {1, 1};
  std::vector<int16_t> window_, wpiece_, word_;
  std::vector<uint32_t> bank_row_, bank_col_;
  std::vector<int32_t> fields_;
  std::vector<int64_t> lanes_;
};

}  // namespace shiftsim::models
