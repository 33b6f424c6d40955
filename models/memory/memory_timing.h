#pragma once
// The DRAM's timing as both simulation modes see it: a request arriving at the memory in
// accelerator cycle `arrival` has its data on the DRAM side from cycle `first` to cycle
// `last`. Plain C++, no SystemC: the cycle-mode DRAM target and fast mode's timing call the
// same object, so the memory is a component the two modes share, not part of a schedule.
// Requests must come in nondecreasing arrival order.
#include <cstdint>
#include <memory>

#include "models/arch_spec.h"
#include "models/dram_timing.h"
#include "models/stats.h"

namespace shiftsim::models {

struct MemAccess {
  uint64_t first = 0, last = 0;  // accelerator cycles of the first and the last data
};

class MemoryTiming {
 public:
  virtual ~MemoryTiming() = default;
  virtual MemAccess access(bool write, uint64_t arrival, uint64_t addr, uint32_t bytes) = 0;
  const DramStats& stats() const { return stats_; }

 protected:
  void count(bool write, uint32_t bytes) {
    (write ? stats_.write_bytes : stats_.read_bytes) += bytes;
    ++(write ? stats_.write_bursts : stats_.read_bursts);
  }

 private:
  DramStats stats_;
};

// `dram.model: fixed`: every request's first data comes `latency_ns` after it arrives and its
// data takes its beats on the bus (or longer when the DRAM's peak is below the bus width);
// requests do not contend (docs/ARCHITECTURE.md §4).
class FixedLatencyMemory : public MemoryTiming {
 public:
  FixedLatencyMemory(const DramSpec& spec, double clock_mhz) : timing_(spec, clock_mhz) {}
  MemAccess access(bool write, uint64_t arrival, uint64_t addr, uint32_t bytes) override {
    count(write, bytes);
    const uint64_t first = arrival + timing_.latency_cycles();
    return {first, first + timing_.data_cycles(addr, bytes) - 1};
  }

 private:
  DramTiming timing_;
};

inline std::unique_ptr<MemoryTiming> make_memory_timing(const ArchSpec& arch) {
  return std::make_unique<FixedLatencyMemory>(arch.dram, arch.clock_mhz);
}

}  // namespace shiftsim::models
