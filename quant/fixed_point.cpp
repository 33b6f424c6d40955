#include "quant/fixed_point.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "common/huge_pages.h"
#include "common/input_error.h"
#include "quant/int_arith.h"

namespace shiftsim::quant {

double max_abs(const std::vector<float>& v) {
  double m = 0;
  for (float x : v) {
    if (!std::isfinite(x)) throw InputError("weights: non-finite value " + std::to_string(x));
    m = std::max(m, double(std::fabs(x)));
  }
  return m;
}

int fixed_weight_frac(double m, int bits) {
  if (m == 0) return bits - 1;
  const double qmax = double(max_of_bits(bits));
  auto fits = [&](int f) { return round_half_away(std::ldexp(m, f)) <= qmax; };
  // log2 gives the answer to within one; the loops make it exact.
  int f = int(std::floor(std::log2(qmax) - std::log2(m)));  // finite even for subnormal m
  while (fits(f + 1)) ++f;
  while (!fits(f)) --f;
  return f;
}

QuantizedWeights quantize_fixed_weights(const std::vector<float>& w, int bits) {
  if (bits < 2 || bits > 16) throw std::invalid_argument("fixed weight bits must be in [2, 16]");
  QuantizedWeights q;
  q.frac = fixed_weight_frac(max_abs(w), bits);
  if (std::abs(q.frac) > kMaxWeightFracMagnitude)
    throw InputError("weights: largest magnitude " + std::to_string(max_abs(w)) +
                     " needs a scale of 2^" + std::to_string(-q.frac) + ", out of range");
  const double scale = std::ldexp(1.0, q.frac);  // exact: x * 2^f is x * scale
  resize_on_huge_pages(q.values, w.size());
  for (size_t i = 0; i < w.size(); ++i) q.values[i] = int32_t(round_to_bits(w[i] * scale, bits));
  return q;
}

std::vector<int64_t> quantize_bias(const std::vector<float>& b, int frac, int acc_bits) {
  std::vector<int64_t> out;
  out.reserve(b.size());
  for (float x : b) {
    if (!std::isfinite(x)) throw InputError("bias: non-finite value " + std::to_string(x));
    out.push_back(round_to_bits(std::ldexp(double(x), frac), acc_bits));
  }
  return out;
}

FixedFormat default_input_format(int act_bits) { return {act_bits, act_bits - 1}; }

Tensor<int16_t> quantize_input(const Tensor<float>& x, FixedFormat fmt) {
  if (fmt.bits < 2 || fmt.bits > 16) throw std::invalid_argument("input bits must be in [2, 16]");
  Tensor<int16_t> q(x.shape);
  const double scale = std::ldexp(1.0, fmt.frac);
  for (size_t i = 0; i < x.data.size(); ++i) {
    if (!std::isfinite(x.data[i]))
      throw InputError("input element " + std::to_string(i) + " is not finite");
    q.data[i] = int16_t(round_to_bits(x.data[i] * scale, fmt.bits));
  }
  return q;
}

}  // namespace shiftsim::quant
