#pragma once
// The processing system's driver: programs the controller's registers over AXI-Lite, waits for
// the interrupt, reads the status and the cycle counter back, and ends the simulation.
#include <cstdint>

#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include <vector>

#include "models/cycle_time.h"
#include "models/simulation.h"

namespace shiftsim::models {

class Host : public sc_core::sc_module, public HostMemory {
 public:
  tlm_utils::simple_initiator_socket<Host> socket;
  sc_core::sc_in<bool> irq;  // the controller's interrupt: toggled when a run is done

  Host(sc_core::sc_module_name name, const CycleTime& clock, uint64_t desc_addr, uint32_t desc_count,
       const SimOptions& options);

  uint64_t end_cycle() const { return end_cycle_; }
  uint64_t accelerator_cycles() const { return run_cycles_.empty() ? 0 : run_cycles_.front(); }
  const std::vector<uint64_t>& run_cycles() const { return run_cycles_; }
  const std::vector<uint64_t>& run_end_cycles() const { return run_end_cycles_; }
  bool done() const { return done_; }

 private:
  void run();
  uint32_t access(tlm::tlm_command cmd, uint32_t reg, uint32_t value);
  void write(uint32_t reg, uint32_t value);
  uint32_t read(uint32_t reg);
  void write(uint64_t addr, const uint8_t* data, uint32_t len) override;
  void read(uint64_t addr, uint8_t* data, uint32_t len) override;
  void debug(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, uint32_t len);

  const CycleTime& clock_;
  uint64_t desc_addr_;
  uint32_t desc_count_;
  const SimOptions& options_;
  uint64_t end_cycle_ = 0;
  std::vector<uint64_t> run_cycles_, run_end_cycles_;
  bool done_ = false;
};

}  // namespace shiftsim::models
