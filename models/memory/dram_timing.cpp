#include "models/memory/dram_timing.h"

#include <algorithm>
#include <cmath>

namespace shiftsim::models {

DramTiming::DramTiming(const DramSpec& spec, double clock_mhz)
    : width_(spec.width_bytes), max_burst_(spec.max_burst_bytes) {
  latency_cycles_ = uint32_t(ns_to_cycles(spec.latency_ns, clock_mhz));
  const double peak_bytes_per_cycle = spec.peak_gbps * 1000.0 / clock_mhz;
  if (peak_bytes_per_cycle < double(width_)) peak_bytes_per_cycle_ = peak_bytes_per_cycle;
}

uint64_t DramTiming::data_cycles(uint64_t addr, uint32_t bytes) const {
  if (bytes == 0) return 0;
  // A power-of-two width (every shipped machine's) divides by shifting.
  const uint64_t beats = (width_ & (width_ - 1)) == 0
                             ? ((addr + bytes - 1) >> __builtin_ctz(width_)) - (addr >> __builtin_ctz(width_)) + 1
                             : (addr + bytes - 1) / width_ - addr / width_ + 1;
  if (peak_bytes_per_cycle_ == 0) return beats;
  // A relative slack of 1e-12 keeps exact quotients (e.g. 640 / 32) from rounding up.
  return uint64_t(std::ceil(double(beats * width_) / peak_bytes_per_cycle_ * (1 - 1e-12)));
}

void DramTiming::split(uint64_t addr, uint64_t bytes, std::vector<Burst>& out) const {
  while (bytes > 0) {
    const uint64_t to_boundary = 4096 - (addr % 4096);
    const uint32_t n = uint32_t(std::min<uint64_t>({bytes, to_boundary, max_burst_}));
    out.push_back({addr, n});
    addr += n;
    bytes -= n;
  }
}

}  // namespace shiftsim::models
