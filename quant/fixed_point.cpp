#include "quant/fixed_point.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

#include "common/huge_pages.h"
#include "common/input_error.h"
#include "common/two_halves.h"
#include "quant/int_arith.h"

namespace shiftsim::quant {

namespace {
// The largest |x| of [begin, end) as float bits without the sign: for floats the order of these
// bits is the order of the magnitudes, and a non-finite value has the largest of them, so one
// integer maximum (which vectorises) finds both.
uint32_t max_magnitude_bits(const float* x, std::size_t begin, std::size_t end) {
  uint32_t m = 0;
  for (std::size_t i = begin; i < end; ++i) {
    uint32_t b;
    std::memcpy(&b, x + i, 4);
    m = std::max(m, b & 0x7FFFFFFFu);
  }
  return m;
}
constexpr uint32_t kNonFiniteBits = 0x7F800000u;  // exponent all ones: inf or NaN
}  // namespace

double max_abs(const std::vector<float>& v) {
  uint32_t halves[2] = {0, 0};
  in_two_halves(v.size(), std::size_t(1) << 22, [&](std::size_t begin, std::size_t end) {
    halves[begin == 0 ? 0 : 1] = max_magnitude_bits(v.data(), begin, end);
  });
  const uint32_t bits = std::max(halves[0], halves[1]);
  if (bits >= kNonFiniteBits)
    for (float x : v)
      if (!std::isfinite(x)) throw InputError("weights: non-finite value " + std::to_string(x));
  float m;
  std::memcpy(&m, &bits, 4);
  return double(m);
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
  in_two_halves(w.size(), std::size_t(1) << 22, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) q.values[i] = int32_t(round_to_bits(w[i] * scale, bits));
  });
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
