#pragma once
// The result type shared by the power-of-two quantizers (nbq.h, gsnq.h) and their common pieces.
#include <cstdint>
#include <vector>

namespace shiftsim::quant {

// One layer's quantized weights. ints[i] is 0 or +-2^s with offset <= s <= offset + 2^(bits-1) - 2,
// offset the sign's (what the SVPE code holds: models::pow2_code, the SVPE weight code, accepts
// it), values[i] = ints[i] * 2^-frac exactly (float). n-BQ's offsets are 0; GSNQ's per-sign
// windows set one of them (gsnq.h).
struct Pow2Result {
  std::vector<float> values;
  std::vector<int32_t> ints;
  int frac = 0;
  int offset_pos = 0, offset_neg = 0;
};

// values from ints and frac, in the canonical form: the window's top level is used (max |int| =
// 2^(r-1), r = 2^(bits-1) - 1) unless all are zero, so equal values always give equal ints/frac.
Pow2Result make_pow2_result(std::vector<int32_t> ints, int frac, int bits);

// InputError unless 2 <= bits <= 5 and every weight is finite ("<what>: ...").
void check_pow2_input(const std::vector<float>& w, int bits, const char* what);

// True when `w` already is an n-bit power-of-two staircase: every non-zero |w| is exactly 2^e
// and all those e lie within one window of r = 2^(bits-1) - 1 consecutive exponents. Then `out`
// holds the same values (window top = the largest e present); quantizers return it unchanged,
// which makes them idempotent and keeps a quantization-aware-trained export lossless.
bool exact_pow2_grid(const std::vector<float>& w, int bits, Pow2Result& out);

// InputError when a layer scale 2^-frac is beyond kMaxWeightFracMagnitude.
void check_pow2_frac(int frac, double max_abs, const char* what);

}  // namespace shiftsim::quant
