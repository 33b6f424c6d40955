#include "quant/recurrent_pow2.h"

#include <cmath>

#include "common/input_error.h"
#include "quant/pow2.h"

namespace shiftsim::quant {

QTensor pow2_tensor(const float* v, size_t n, int bits) {
  if (bits < kMinPow2Bits || bits > kMaxPow2Bits)
    throw InputError("power-of-two weights: " + std::to_string(bits) + " code bits is outside " +
                     std::to_string(kMinPow2Bits) + ".." + std::to_string(kMaxPow2Bits));
  const QuantizedWeights q = quantize_pow2_weights(std::vector<float>(v, v + n), bits);
  QTensor t;
  t.kind = WeightKind::pow2;
  t.code_bits = bits;
  t.fmt = {1 << (bits - 1), q.frac};
  t.v.assign(q.values.begin(), q.values.end());
  return t;
}

std::string pow2_tensor_problem(const QTensor& t) {
  if (t.code_bits < kMinPow2Bits || t.code_bits > kMaxPow2Bits)
    return "code width " + std::to_string(t.code_bits) + " is outside 2..5";
  if (t.fmt.bits != 1 << (t.code_bits - 1))
    return "width " + std::to_string(t.fmt.bits) + " is not " + std::to_string(1 << (t.code_bits - 1)) +
           " for " + std::to_string(t.code_bits) + "-bit codes";
  const int32_t top = int32_t(1) << (pow2_magnitudes(t.code_bits) - 1);
  for (size_t i = 0; i < t.v.size(); ++i) {
    const int32_t a = t.v[i] < 0 ? -t.v[i] : t.v[i];
    if (a != 0 && ((a & (a - 1)) != 0 || a > top))
      return "value [" + std::to_string(i) + "] = " + std::to_string(t.v[i]) +
             " is not 0 or +-2^s with s <= " + std::to_string(pow2_magnitudes(t.code_bits) - 1);
  }
  return "";
}

int64_t pow2_dot(const int32_t* w, const std::vector<int64_t>& x) {
  int64_t s = 0;
  for (size_t k = 0; k < x.size(); ++k) {
    const int32_t v = w[k];
    if (v == 0) continue;
    const int sh = __builtin_ctz(uint32_t(v < 0 ? -v : v));
    const int64_t term = x[k] * (int64_t(1) << sh);  // a shift; written as a product for x < 0
    s += v < 0 ? -term : term;
  }
  return s;
}

}  // namespace shiftsim::quant
