#pragma once
// The lanes' sums of one issue: per lane, the dot product of the window (e activations) with
// the lane's e weight values. Products of int16 values are exact in int32; the sum stays in
// int32 when the bound `max_abs_weight` allows (the compiler vectorises it), else int64.
#include <cstdint>
#include <cstdlib>

namespace shiftsim::models {

inline bool lane_sum_fits_int32(uint32_t elements, int32_t max_abs_weight) {
  return uint64_t(elements) * 32768u * uint64_t(max_abs_weight) < (uint64_t(1) << 31);
}

inline void lane_dots(const int16_t* window, const int16_t* weights, uint32_t lanes, uint32_t e,
                      bool fits_int32, int64_t* sums) {
  for (uint32_t m = 0; m < lanes; ++m) {
    const int16_t* w = weights + size_t(m) * e;
    if (fits_int32) {
      int32_t sum = 0;
      for (uint32_t i = 0; i < e; ++i) sum += int32_t(window[i]) * int32_t(w[i]);
      sums[m] = sum;
    } else {
      int64_t sum = 0;
      for (uint32_t i = 0; i < e; ++i) sum += int64_t(int32_t(window[i]) * int32_t(w[i]));
      sums[m] = sum;
    }
  }
}

}  // namespace shiftsim::models
