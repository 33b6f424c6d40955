#pragma once
// DRAM as a TLM-2.0 loosely-timed target. Storage and timing live in plain classes; this module
// only connects them to a socket. Reads and writes are separate channels (AXI read/write);
// on each, a burst that starts the cycle the previous one ended streams on without paying the
// latency again (the DMA keeps requests outstanding while it has work queued).
#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "models/cycle_time.h"
#include "models/dram_timing.h"
#include "models/memory/memory_timing.h"
#include <memory>
#include "models/stats.h"

namespace shiftsim::models {


class Dram : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Dram> socket;

  Dram(sc_core::sc_module_name name, const ArchSpec& arch);

  // Untimed access for loading the program image and reading results back.
  std::vector<uint8_t>& storage() { return storage_; }
  const DramStats& stats() const { return memory_->stats(); }
  const DramTiming& timing() const { return timing_; }

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  // Untimed and uncounted: the host placing the next input or reading results between runs.
  unsigned transport_dbg(tlm::tlm_generic_payload& gp);

  CycleTime clock_;
  DramTiming timing_;
  std::unique_ptr<MemoryTiming> memory_;
  uint64_t capacity_;
  std::vector<uint8_t> storage_;
};

}  // namespace shiftsim::models
