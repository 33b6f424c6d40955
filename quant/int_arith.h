#pragma once
// The integer primitives of the numerics contract (docs/NUMERICS.md). The golden executor,
// the quantizers and the SystemC datapath's tests all use these, so each rule is written once.
#include <cmath>
#include <cstdint>

namespace shiftsim::quant {

// Largest and smallest value of a `bits`-wide two's complement integer (2 <= bits <= 63).
constexpr int64_t max_of_bits(int bits) { return (int64_t(1) << (bits - 1)) - 1; }
constexpr int64_t min_of_bits(int bits) { return -(int64_t(1) << (bits - 1)); }

constexpr int64_t clamp_to_bits(int64_t x, int bits) {
  return x > max_of_bits(bits) ? max_of_bits(bits) : x < min_of_bits(bits) ? min_of_bits(bits) : x;
}

// The low `bits` bits of x, sign-extended: what a `bits`-wide adder holds after overflow.
constexpr int64_t wrap_to_bits(int64_t x, int bits) {
  if (bits >= 64) return x;
  return int64_t(uint64_t(x) << (64 - bits)) >> (64 - bits);
}

// Arithmetic right shift with round half up: (x + 2^(s-1)) >> s for s > 0, x for s <= 0.
// Written as floor(x / 2^s) plus bit s-1 of x, which is the same value without the overflow
// that x + 2^(s-1) could have near INT64_MAX.
constexpr int64_t rshift_round(int64_t x, int s) {
  if (s <= 0) return x;
  if (s >= 64) return 0;  // |x| < 2^63 <= 2^(s-1): the rounded quotient is 0
  return (x >> s) + ((x >> (s - 1)) & 1);
}

// floor(a / b) for b > 0 (C++ division truncates toward zero).
constexpr int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

// round(x) with halves away from zero, as std::round, but inlined and branch-free (weights
// are random, so branches mispredict): |x| - trunc(|x|) is exact.
inline double round_half_away(double x) {
  const double a = std::fabs(x);
  const double t = std::trunc(a);
  return std::copysign(t + double(a - t >= 0.5), x);
}

// Rounds half away from zero and clamps to `bits` signed (NaN is the caller's to reject).
inline int64_t round_to_bits(double x, int bits) {
  const double r = round_half_away(x);
  const double limit = double(uint64_t(1) << (bits - 1));  // 2^(bits-1), exact
  if (r >= limit) return max_of_bits(bits);
  if (r <= -limit) return min_of_bits(bits);
  return int64_t(r);
}

}  // namespace shiftsim::quant
