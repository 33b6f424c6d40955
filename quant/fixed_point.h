#pragma once
// Fixed-point (uniform, power-of-two scale) quantization of weights, biases and inputs.
// Per-layer weight formats; the richer calibrated quantizers (docs/QUANTIZATION.md) grow beside it.
#include <cstdint>
#include <vector>

#include "quant/qnetwork.h"
#include "quant/tensor.h"

namespace shiftsim::quant {

// Integer weights and their scale: real value = values[i] * 2^-frac.
struct QuantizedWeights {
  std::vector<int16_t> values;
  int frac = 0;
};

// Weight formats further than this from 2^0 mean broken weights (all ~0 or huge); refusing
// them keeps every later shift amount small.
constexpr int kMaxWeightFracMagnitude = 60;

double max_abs(const std::vector<float>& v);

// The largest f such that round(max_abs * 2^f) <= 2^(bits-1) - 1; bits - 1 when max_abs == 0.
int fixed_weight_frac(double max_abs, int bits);

// w_int = clamp(round_half_away(w * 2^f)) with f = fixed_weight_frac(max|w|, bits), 2 <= bits <= 16.
// Throws InputError for non-finite weights or a format beyond kMaxWeightFracMagnitude.
QuantizedWeights quantize_fixed_weights(const std::vector<float>& w, int bits);

// round(b * 2^frac) clamped to the acc_bits range; frac = in.frac + w_frac.
std::vector<int64_t> quantize_bias(const std::vector<float>& b, int frac, int acc_bits);

// The default input format: act_bits wide, frac = act_bits - 1 (values in [-1, 1)).
FixedFormat default_input_format(int act_bits);

// round_half_away(x * 2^frac) clamped to fmt.bits (<= 16) signed. Non-finite values are an
// InputError naming the element.
Tensor<int16_t> quantize_input(const Tensor<float>& x, FixedFormat fmt);

}  // namespace shiftsim::quant
