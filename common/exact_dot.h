#pragma once
// Exact int16 x int16 dot product into int64 that the compiler vectorises (pmaddwd).
// Why the split: summing full int16 products in int32 can overflow after two terms, and int64
// lanes vectorise poorly. With a = 256*hi + lo (lo in 0..255), lo*w and hi*w each stay below
// 2^23, so 256 of them fit in int32 exactly; the two partial sums are then joined in int64.
#include <cstdint>

namespace shiftsim {

inline int64_t exact_dot_i16(const int16_t* a, const int16_t* w, int n) {
  int64_t total = 0;
  for (int start = 0; start < n; start += 256) {
    const int end = n - start < 256 ? n : start + 256;
    int32_t lo_sum = 0, hi_sum = 0;
    for (int i = start; i < end; ++i) {
      const int16_t lo = int16_t(a[i] & 0xFF);
      const int16_t hi = int16_t(a[i] >> 8);
      lo_sum += int32_t(lo) * int32_t(w[i]);
      hi_sum += int32_t(hi) * int32_t(w[i]);
    }
    total += int64_t(hi_sum) * 256 + lo_sum;
  }
  return total;
}

}  // namespace shiftsim
