#pragma once
// DRAM as a TLM-2.0 target with the two phases: a DMA engine's burst arrives as BEGIN_REQ in
// the cycle it issues; later in that cycle, once every engine has had its turn, the DRAM takes
// the cycle's requests in the initiators' fixed order (docs/ARCHITECTURE.md §4), moves their
// data, asks the memory timing (fixed latency or DDR4) when each burst's data is on the bus,
// and answers with BEGIN_RESP carrying those cycles. Storage and timing live in plain classes.
// With a trace and the DDR4 model, the commands the memory issues appear cycle by cycle (each
// cycle's at the next edge, when the cycle's requests have all been placed).
#include <cstdint>
#include <memory>
#include <queue>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "models/cycle_time.h"
#include "models/memory/dram_timing.h"
#include "models/memory/memory_timing.h"
#include "models/stats.h"
#include "models/vcd_trace.h"

namespace shiftsim::models {

class Dram : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Dram> socket;
  sc_core::sc_in<bool> clk;

  Dram(sc_core::sc_module_name name, const ArchSpec& arch, VcdTrace& trace);
  // The DDR4 banks the trace shows (0 with the fixed model).
  static uint32_t traced_banks(const ArchSpec& arch);

  // Untimed access for loading the program image and reading results back.
  std::vector<uint8_t>& storage() { return storage_; }
  const DramStats& stats() const { return memory_->stats(); }
  const DramTiming& timing() const { return timing_; }

 private:
  struct Request {
    tlm::tlm_generic_payload* gp;
    uint64_t arrival;
  };
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& gp, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  // Serves the requests of this cycle, in the initiators' order.
  void arbitrate();
  // Untimed and uncounted: the host placing the next input or reading results between runs.
  unsigned transport_dbg(tlm::tlm_generic_payload& gp);
  bool in_range(uint64_t addr, uint32_t len) const { return addr + len <= capacity_; }
  void trace_commands();

  CycleTime clock_;
  DramTiming timing_;
  std::unique_ptr<MemoryTiming> memory_;
  uint32_t memory_banks_per_group_;
  uint64_t capacity_;
  std::vector<uint8_t> storage_;
  std::vector<Request> requests_;
  sc_core::sc_event request_event_;
  VcdTrace& trace_;
  std::vector<Ddr4Command> log_;  // commands placed since the last edge
  struct Later {
    bool operator()(const Ddr4Command& a, const Ddr4Command& b) const { return a.dram_cycle > b.dram_cycle; }
  };
  std::priority_queue<Ddr4Command, std::vector<Ddr4Command>, Later> placed_;  // not yet shown
};

}  // namespace shiftsim::models
