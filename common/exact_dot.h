#pragma once
// Exact int16 x int16 dot products in 32-bit vector lanes.
//
// A plain int32 accumulator overflows after a few products of extreme values, and an int64 one
// does not vectorise well. So each activation is split as a = 256 * hi + lo with lo in 0..255
// and hi in -128..127; sum(lo * w) and sum(hi * w) are accumulated in int32 over chunks of
// `chunk` terms and each chunk is folded into int64 as hi_sum * 256 + lo_sum. A chunk cannot
// overflow when chunk * 255 * max|w| < 2^31 (|hi| <= 128 < 255 bounds the hi sum too), which
// exact_dot_chunk() guarantees: 256 terms for 16-bit weights, the whole row for narrow ones.
// GCC turns the chunk loops into pmaddwd / vpdpwssd. For every int16 input the result equals
// the naive int64 sum.
#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace shiftsim {

// Terms per int32 chunk for weights with |w| <= max_abs_weight (<= 32768); a multiple of 32
// (one AVX-512 register of int16) and at least 256.
inline size_t exact_dot_chunk(int32_t max_abs_weight) {
  const int64_t w = std::max<int64_t>(1, max_abs_weight);
  const int64_t terms = (int64_t(INT32_MAX) / (255 * w)) / 32 * 32;
  return size_t(std::min<int64_t>(terms, int64_t(1) << 24));
}

inline void split_activations(const int16_t* a, size_t n, int16_t* hi, int16_t* lo) {
  for (size_t i = 0; i < n; ++i) {
    hi[i] = int16_t(a[i] >> 8);   // arithmetic shift: floor(a / 256)
    lo[i] = int16_t(a[i] & 255);  // a - 256 * hi
  }
}

// sum(a[i] * w[i]) with a given as split_activations() halves.
inline int64_t exact_dot_split(const int16_t* hi, const int16_t* lo, const int16_t* w, size_t n,
                               size_t chunk) {
  int64_t total = 0;
  for (size_t base = 0; base < n; base += chunk) {
    const size_t len = std::min(chunk, n - base);
    const int16_t* h = hi + base;
    const int16_t* l = lo + base;
    const int16_t* v = w + base;
    int32_t hi_sum = 0, lo_sum = 0;
    for (size_t i = 0; i < len; ++i) {
      hi_sum += int32_t(h[i]) * int32_t(v[i]);
      lo_sum += int32_t(l[i]) * int32_t(v[i]);
    }
    total += int64_t(hi_sum) * 256 + lo_sum;
  }
  return total;
}

// A 2 x 4 tile: two activation rows against four weight rows, out[a][k] = dot(row a, w[k]).
// Each loaded vector feeds four (activations) or four (weights) multiply-adds, which is what
// makes the golden executor fast enough to run whole networks in tests.
inline void exact_dot_2x4(const int16_t* const hi[2], const int16_t* const lo[2],
                          const int16_t* const w[4], size_t n, size_t chunk, int64_t out[2][4]) {
  int64_t t[2][4] = {};
  for (size_t base = 0; base < n; base += chunk) {
    const size_t len = std::min(chunk, n - base);
    const int16_t *h0 = hi[0] + base, *l0 = lo[0] + base, *h1 = hi[1] + base, *l1 = lo[1] + base;
    const int16_t *w0 = w[0] + base, *w1 = w[1] + base, *w2 = w[2] + base, *w3 = w[3] + base;
    // a: hi of row 0, b: lo of row 0, c: hi of row 1, d: lo of row 1; digit = weight row.
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
    int32_t c0 = 0, c1 = 0, c2 = 0, c3 = 0, d0 = 0, d1 = 0, d2 = 0, d3 = 0;
    for (size_t i = 0; i < len; ++i) {
      const int32_t x = h0[i], y = l0[i], u = h1[i], v = l1[i];
      const int32_t p = w0[i], q = w1[i], r = w2[i], s = w3[i];
      a0 += x * p, a1 += x * q, a2 += x * r, a3 += x * s;
      b0 += y * p, b1 += y * q, b2 += y * r, b3 += y * s;
      c0 += u * p, c1 += u * q, c2 += u * r, c3 += u * s;
      d0 += v * p, d1 += v * q, d2 += v * r, d3 += v * s;
    }
    t[0][0] += int64_t(a0) * 256 + b0, t[0][1] += int64_t(a1) * 256 + b1;
    t[0][2] += int64_t(a2) * 256 + b2, t[0][3] += int64_t(a3) * 256 + b3;
    t[1][0] += int64_t(c0) * 256 + d0, t[1][1] += int64_t(c1) * 256 + d1;
    t[1][2] += int64_t(c2) * 256 + d2, t[1][3] += int64_t(c3) * 256 + d3;
  }
  for (int r = 0; r < 2; ++r)
    for (int k = 0; k < 4; ++k) out[r][k] = t[r][k];
}

// One activation row against four weight rows: a fully connected layer's single pixel, or the
// odd last pixel of a block (the 2 x 4 tile would compute it twice).
inline void exact_dot_1x4(const int16_t* hi, const int16_t* lo, const int16_t* const w[4], size_t n,
                          size_t chunk, int64_t out[4]) {
  int64_t t[4] = {};
  for (size_t base = 0; base < n; base += chunk) {
    const size_t len = std::min(chunk, n - base);
    const int16_t *h = hi + base, *l = lo + base;
    const int16_t *w0 = w[0] + base, *w1 = w[1] + base, *w2 = w[2] + base, *w3 = w[3] + base;
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
    for (size_t i = 0; i < len; ++i) {
      const int32_t x = h[i], y = l[i];
      const int32_t p = w0[i], q = w1[i], r = w2[i], s = w3[i];
      a0 += x * p, a1 += x * q, a2 += x * r, a3 += x * s;
      b0 += y * p, b1 += y * q, b2 += y * r, b3 += y * s;
    }
    t[0] += int64_t(a0) * 256 + b0, t[1] += int64_t(a1) * 256 + b1;
    t[2] += int64_t(a2) * 256 + b2, t[3] += int64_t(a3) * 256 + b3;
  }
  for (int k = 0; k < 4; ++k) out[k] = t[k];
}

// Convenience form for tests and small callers: splits on the fly, chunk safe for any int16 w.
inline int64_t exact_dot(const int16_t* a, const int16_t* w, size_t n) {
  constexpr size_t kChunk = 256;
  int64_t total = 0;
  int16_t hi[kChunk], lo[kChunk];
  for (size_t base = 0; base < n; base += kChunk) {
    const size_t len = std::min(kChunk, n - base);
    split_activations(a + base, len, hi, lo);
    total += exact_dot_split(hi, lo, w + base, len, kChunk);
  }
  return total;
}

}  // namespace shiftsim
