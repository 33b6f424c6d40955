#include "quant/pow2.h"

#include <climits>
#include <cmath>
#include <stdexcept>
#include <string>

#include "common/huge_pages.h"
#include "common/input_error.h"
#include "common/two_halves.h"

namespace shiftsim::quant {

namespace {
void check_bits(int bits) {
  if (bits < kMinPow2Bits || bits > kMaxPow2Bits)
    throw std::invalid_argument("power-of-two weight bits must be in [2, 5], got " +
                                std::to_string(bits));
}
}  // namespace

int pow2_magnitudes(int bits) { return (1 << (bits - 1)) - 1; }

int pow2_max_exponent(double m) {
  int e = std::ilogb(m) + 1;  // within one or two of the answer
  // 3 * 2^(e-2) and the comparisons are exact in double, unlike log2(4.0 / 3.0 * m).
  while (std::ldexp(3.0, e - 2) > m) --e;
  while (std::ldexp(3.0, e - 1) <= m) ++e;
  return e;
}

Pow2Grid::Pow2Grid(int e_min, int e_max) : count_(e_max - e_min + 1), e_min_(e_min) {
  if (count_ < 1 || count_ > 16) throw std::invalid_argument("pow2 grid of " + std::to_string(count_) + " levels");
  // Between 0 and 2^e_min the midpoint is 2^(e_min-1); between 2^(e-1) and 2^e it is 1.5 * 2^(e-1).
  thresholds_[0] = std::ldexp(1.0, e_min - 1);
  for (int j = 1; j < count_; ++j) thresholds_[j] = std::ldexp(1.5, e_min + j - 1);
}

int Pow2Grid::level(double w) const {
  const double a = std::fabs(w);
  int reached = 0;  // thresholds are increasing; >= sends ties up
  for (int j = 0; j < count_; ++j) reached += a >= thresholds_[j];
  return reached - 1;
}

int pow2_level_exponent(double w, int e_min, int e_max) {
  const int s = Pow2Grid(e_min, e_max).level(w);
  return s < 0 ? INT_MIN : e_min + s;
}

QuantizedWeights quantize_pow2_weights(const std::vector<float>& w, int bits) {
  check_bits(bits);
  double m = max_abs(w);
  int e_max = m == 0 ? 0 : pow2_max_exponent(m);
  int e_min = e_max - pow2_magnitudes(bits) + 1;
  if (std::abs(e_min) > kMaxWeightFracMagnitude || std::abs(e_max) > kMaxWeightFracMagnitude)
    throw InputError("weights: largest magnitude " + std::to_string(m) +
                     " gives power-of-two exponents out of range");
  QuantizedWeights q;
  q.frac = -e_min;
  const Pow2Grid grid(e_min, e_max);
  resize_on_huge_pages(q.values, w.size());
  in_two_halves(w.size(), std::size_t(1) << 22, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const int s = grid.level(w[i]);
      const int32_t mag = s < 0 ? 0 : int32_t(1) << s;
      q.values[i] = w[i] < 0 ? -mag : mag;
    }
  });
  return q;
}

}  // namespace shiftsim::quant
