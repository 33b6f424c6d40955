#include "models/dram_timing.h"

#include <algorithm>
#include <cmath>

namespace shiftsim::models {

DramTiming::DramTiming(const DramSpec& spec, double clock_mhz)
    : width_(spec.width_bytes), max_burst_(spec.max_burst_bytes) {
  latency_cycles_ = uint32_t(std::ceil(spec.latency_ns * clock_mhz / 1000.0 - 1e-9));
  // Peak bytes per accelerator cycle, kept as a rational in 1/1000 byte units.
  const double peak_bytes_per_cycle = spec.peak_gbps * 1000.0 / clock_mhz;
  if (peak_bytes_per_cycle < double(width_)) {
    peak_num_ = uint64_t(std::llround(peak_bytes_per_cycle * 1000.0));
    peak_den_ = 1000;
  }
}

uint64_t DramTiming::data_cycles(uint64_t addr, uint32_t bytes) const {
  if (bytes == 0) return 0;
  const uint64_t beats = (addr + bytes - 1) / width_ - addr / width_ + 1;
  if (peak_den_ == 0) return beats;
  // ceil(beats * width / peak), with peak = peak_num / peak_den bytes per cycle
  const uint64_t scaled = beats * width_ * peak_den_;
  return (scaled + peak_num_ - 1) / peak_num_;
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
