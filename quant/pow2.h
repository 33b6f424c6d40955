#pragma once
// Power-of-two weight quantization (n-BQ-NN style) and its n-bit hardware code.
//
// n bits give r = 2^(n-1) - 1 magnitudes 2^e, e in [e_min, e_max], plus zero. e_max follows
// the INQ rule floor(log2(4/3 * max|w|)), e_min = e_max - r + 1. The integer form shifts every
// level so the smallest is 1: w_int = 0 or +-2^s, s = e - e_min in [0, r - 1], w_frac = -e_min;
// the hardware then only shifts left. Code: (sign << (n-1)) | (s + 1); code 0 is zero.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "quant/fixed_point.h"

namespace shiftsim::quant {

// The golden executor keeps weights in int16, so 2^s <= 2^14: n <= 5.
constexpr int kMinPow2Bits = 2;
constexpr int kMaxPow2Bits = 5;
// The largest shift of a power-of-two weight, per-sign offsets included (int16: 2^14).
constexpr int kMaxPow2Shift = 14;

// r = 2^(bits-1) - 1: number of non-zero magnitudes.
int pow2_magnitudes(int bits);

// floor(log2(4/3 * m)) computed exactly (largest e with 3 * 2^(e-2) <= m), m > 0.
int pow2_max_exponent(double m);

// The levels of one layer: 0 and +-2^e, e in [e_min, e_max] (e_max - e_min < 16).
class Pow2Grid {
 public:
  Pow2Grid(int e_min, int e_max);
  // s = e - e_min of the level nearest to |w| (ties toward the larger magnitude), or -1 for
  // zero (|w| < 2^(e_min - 1)).
  int level(double w) const;
  // The same for a float, from its exponent and the top bit of its mantissa (|w| in
  // [2^E, 2^(E+1)) is at or above the midpoint 1.5 * 2^E exactly when that bit is set): no
  // search, and a loop of it vectorises.
  int level(float w) const {
    uint32_t b;
    std::memcpy(&b, &w, 4);
    const int e = int((b >> 23) & 0xFF) - 127;  // zero and subnormals: far below any e_min
    const int rounded = e + int((b >> 22) & 1);
    const int s = std::min(std::max(rounded - e_min_, 0), count_ - 1);
    return e < e_min_ - 1 ? -1 : s;
  }

 private:
  // thresholds_[j]: the smallest |w| that reaches level j (the midpoint below 2^(e_min + j)).
  double thresholds_[16] = {};
  int count_ = 0;
  int e_min_ = 0;
};

// The nearest level's exponent e, or INT_MIN for zero (one value; see Pow2Grid).
int pow2_level_exponent(double w, int e_min, int e_max);

// Per-layer quantization: values are 0 or +-2^s, frac = -e_min. 2 <= bits <= 5.
// Throws InputError for non-finite weights.
QuantizedWeights quantize_pow2_weights(const std::vector<float>& w, int bits);

}  // namespace shiftsim::quant
