#pragma once
// Integer helpers shared by the resource and activity models (and the fit's buffer sizing).
#include <cstdint>

namespace shiftsim::models {

// ceil(log2(n)); 0 for n <= 1.
inline uint32_t clog2(uint64_t n) {
  uint32_t b = 0;
  while ((uint64_t(1) << b) < n) ++b;
  return b;
}

inline uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

}  // namespace shiftsim::models
