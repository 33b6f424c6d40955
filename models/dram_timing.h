#pragma once
// DRAM timing and burst splitting in plain C++ (no SystemC), so that tests and the closed-form
// cycle model call exactly what the TLM target uses (docs/ARCHITECTURE.md §4).
#include <cstdint>
#include <vector>

#include "models/arch_spec.h"
#include "models/stats.h"

namespace shiftsim::models {

struct Burst {
  uint64_t addr = 0;
  uint32_t bytes = 0;
};

class DramTiming {
 public:
  DramTiming(const DramSpec& spec, double clock_mhz);

  uint32_t latency_cycles() const { return latency_cycles_; }
  uint32_t width_bytes() const { return width_; }
  // Cycles of the data phase of one burst: its beats on the bus, or, when the DRAM's peak is
  // below the bus width, ceil(beats * width / peak_bytes_per_cycle).
  uint64_t data_cycles(uint64_t addr, uint32_t bytes) const;
  // Appends the bursts of one contiguous transfer: at most max_burst_bytes, never crossing a
  // 4 KiB boundary (AXI rule).
  void split(uint64_t addr, uint64_t bytes, std::vector<Burst>& out) const;

 private:
  uint32_t width_;
  uint32_t max_burst_;
  uint32_t latency_cycles_;
  // Bytes per cycle the DRAM sustains when below the bus width; 0 when the bus is the limit.
  double peak_bytes_per_cycle_ = 0;
};

// The DRAM's timing state: a read and a write channel (docs/ARCHITECTURE.md §4). Every burst of
// both simulation modes goes through one of these, so the modes share the memory model and
// nothing of the schedule.
class DramChannels {
 public:
  explicit DramChannels(const DramTiming& timing) : timing_(timing) {}
  // A burst that reaches the DRAM at cycle `start`: returns its cycles, the latency unless it
  // starts in the cycle the channel's previous burst ended, then its data beats.
  uint64_t burst(bool write, uint64_t start, uint64_t addr, uint32_t bytes);
  const DramTiming& timing() const { return timing_; }
  const DramStats& stats() const { return stats_; }

 private:
  const DramTiming& timing_;
  uint64_t read_end_ = UINT64_MAX, write_end_ = UINT64_MAX;  // cycle the last burst ended
  DramStats stats_;
};

}  // namespace shiftsim::models
