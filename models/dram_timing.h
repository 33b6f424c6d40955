#pragma once
// DRAM timing and burst splitting in plain C++ (no SystemC), so that tests and the closed-form
// cycle model call exactly what the TLM target uses (docs/ARCHITECTURE.md §4).
#include <cstdint>
#include <vector>

#include "models/arch_spec.h"

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

}  // namespace shiftsim::models
