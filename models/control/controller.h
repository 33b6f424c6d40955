#pragma once
// The controller: AXI-Lite registers for the host, the descriptor fetch, and the layer loop
// that publishes each layer's plan to the units and waits for its last store
// (docs/ARCHITECTURE.md §2-§3).
#include <cstdint>
#include <functional>

#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/control/layer_job.h"
#include "models/energy/activity.h"
#include "models/memory/dma_engine.h"
#include "models/memory/dram.h"
#include "models/stats.h"
#include "models/unit_env.h"

namespace shiftsim::models {

// Cycles between a descriptor's arrival and its layer's first load.
constexpr uint64_t kDecodeCycles = 1;

class Controller : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Controller> regs;
  sc_core::sc_in<bool> clk;
  sc_core::sc_out<LayerRegister> layer;  // the layer register: a new sequence number, a new layer
  sc_core::sc_in<bool> layer_done;       // store unit: toggled after a layer's last store
  sc_core::sc_in<bool> rnn_done;         // recurrent unit: toggled after a recurrent pass's last store
  sc_core::sc_out<bool> irq;             // toggled when the descriptor list is done

  Controller(sc_core::sc_module_name name, UnitEnv& env, const Dram& dram, uint64_t watchdog_cycles);
  std::function<void(uint32_t layer, uint32_t count)> on_layer;  // progress, may be empty
  // Per pass, in order: its layer, cycles, plan size, wall time and DRAM bytes, and the actions
  // of the descriptor, the loop counters and the DRAM traffic (the units' own counts are added
  // to these by the machine, models/accelerator.cpp).
  const std::vector<UnitPass>& passes() const { return passes_; }

 private:
  void run();
  void reg_access(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);

  UnitEnv& env_;
  const Dram& dram_;
  std::vector<UnitPass> passes_;

 public:
  DmaEngine fetch;  // reads descriptors; its socket goes to the interconnect

 private:
  uint64_t start_at_ = UINT64_MAX;  // the cycle the CTRL write that starts a run completes
  uint32_t layers_ = 0;
  uint64_t watchdog_;
  void await_layer_done(uint32_t pass, uint32_t layer_id, const sc_core::sc_in<bool>& done, bool& seen);
  bool irq_state_ = false;
  bool done_seen_ = false, rnn_seen_ = false;
  uint64_t desc_addr_ = 0;
  uint32_t desc_count_ = 0;
  uint32_t status_ = 0;
  uint64_t cycles_ = 0;
};

}  // namespace shiftsim::models
