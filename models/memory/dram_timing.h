#pragma once
// DRAM timing and burst splitting in plain C++ (no SystemC), so that tests and the closed-form
// cycle model call exactly what the TLM target uses (docs/ARCHITECTURE.md §4).
#include <cmath>
#include <cstdint>
#include <vector>

#include "models/arch_spec.h"

namespace shiftsim::models {

// A time in ns as whole accelerator cycles, rounded up (a few ulps of slack so that an exact
// product such as 150 ns at 200 MHz stays 30).
inline uint64_t ns_to_cycles(double ns, double clock_mhz) {
  const double c = std::ceil(ns * clock_mhz / 1000.0 - 1e-9);
  return c <= 0 ? 0 : uint64_t(c);
}

struct Burst {
  uint64_t addr = 0;
  uint32_t bytes = 0;
};

class DramTiming {
 public:
  DramTiming(const DramSpec& spec, double clock_mhz);

  uint32_t latency_cycles() const { return latency_cycles_; }
  uint32_t width_bytes() const { return width_; }
  uint32_t max_burst_bytes() const { return max_burst_; }
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
