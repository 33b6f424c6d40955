#pragma once
// The DRAM's timing as both simulation modes see it: a request arriving at the memory in
// accelerator cycle `arrival` has its data on the DRAM side from cycle `first` to cycle
// `last`. Plain C++, no SystemC: the cycle-mode DRAM target and fast mode's timing call the
// same object, so the memory is a component the two modes share, not part of a schedule.
// Requests must come in nondecreasing arrival order; requests of one cycle in the order of
// their initiators' priority (docs/ARCHITECTURE.md §4: the controller's fetch, then the load
// unit, then the store unit).
#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "models/arch_spec.h"
#include "models/memory/dram_timing.h"
#include "models/memory/ddr4_timing.h"
#include "models/stats.h"

namespace shiftsim::models {

struct MemAccess {
  uint64_t first = 0, last = 0;  // accelerator cycles of the first and the last data
};

class MemoryTiming {
 public:
  virtual ~MemoryTiming() = default;
  // The response channel is registered: data is never there in the cycle its request
  // arrives, however short the memory's own latency (§4).
  MemAccess access(bool write, uint64_t arrival, uint64_t addr, uint32_t bytes) {
    (write ? stats_.write_bytes : stats_.read_bytes) += bytes;
    ++(write ? stats_.write_bursts : stats_.read_bursts);
    MemAccess a = serve(write, arrival, addr, bytes);
    a.first = std::max(a.first, arrival + 1);
    a.last = std::max(a.last, a.first);
    return a;
  }
  const DramStats& stats() const { return stats_; }
  // DDR4 only: every command placed from now on goes to *log (nullptr: stop).
  virtual void log_commands(std::vector<Ddr4Command>*) {}
  // DDR4 only: places the refreshes due before requests issued from cycle `issue` on can
  // reach the memory (a trace shows them when they happen, not when the next request comes).
  virtual void settle(uint64_t /*issue*/) {}
  // The banks a trace shows (0: no DRAM commands to show).
  virtual uint32_t banks() const { return 0; }

 protected:
  virtual MemAccess serve(bool write, uint64_t arrival, uint64_t addr, uint32_t bytes) = 0;
  DramStats stats_;
};

// `dram.model: fixed`: every request's first data comes `latency_ns` after it arrives and its
// data takes its beats on the bus (or longer when the DRAM's peak is below the bus width);
// requests do not contend (docs/ARCHITECTURE.md §4).
class FixedLatencyMemory : public MemoryTiming {
 public:
  FixedLatencyMemory(const DramSpec& spec, double clock_mhz) : timing_(spec, clock_mhz) {}

 protected:
  MemAccess serve(bool, uint64_t arrival, uint64_t addr, uint32_t bytes) override {
    const uint64_t first = arrival + timing_.latency_cycles();
    return {first, first + timing_.data_cycles(addr, bytes) - 1};
  }

 private:
  DramTiming timing_;
};

// `dram.model: ddr4`: the DDR4 channel of docs/MEMORY.md behind an FCFS open-page controller.
class Ddr4Memory : public MemoryTiming {
 public:
  Ddr4Memory(const DramSpec& spec, double clock_mhz)
      : ddr4_(spec.ddr4, clock_mhz),
        path_cycles_(ns_to_cycles(spec.controller_latency_ns, clock_mhz)) {}
  void log_commands(std::vector<Ddr4Command>* log) override { ddr4_.log_to(log); }
  void settle(uint64_t issue) override { ddr4_.advance_to(issue + path_cycles_); }
  uint32_t banks() const override { return ddr4_.spec().banks(); }

 protected:
  MemAccess serve(bool write, uint64_t arrival, uint64_t addr, uint32_t bytes) override {
    // Every request takes the same path to the scheduler, so arrivals stay in order.
    const Ddr4Timing::Access a = ddr4_.access(write, arrival + path_cycles_, addr, bytes);
    const Ddr4Stats& d = ddr4_.stats();
    stats_.row_hits = d.row_hits;
    stats_.row_misses = d.row_misses;
    stats_.row_conflicts = d.row_conflicts;
    stats_.refreshes = d.refreshes;
    return {a.first_data, a.last_data};
  }

 private:
  Ddr4Timing ddr4_;
  uint64_t path_cycles_;
};

inline std::unique_ptr<MemoryTiming> make_memory_timing(const ArchSpec& arch) {
  if (arch.dram.model == DramModel::ddr4)
    return std::make_unique<Ddr4Memory>(arch.dram, arch.clock_mhz);
  return std::make_unique<FixedLatencyMemory>(arch.dram, arch.clock_mhz);
}

}  // namespace shiftsim::models
