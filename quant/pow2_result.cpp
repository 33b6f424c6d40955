#include "quant/pow2_result.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <string>

#include "common/input_error.h"
#include "quant/fixed_point.h"
#include "quant/pow2.h"

namespace shiftsim::quant {

Pow2Result make_pow2_result(std::vector<int32_t> ints, int frac, int bits) {
  int32_t top = 0;
  for (int32_t v : ints) top = std::max(top, v < 0 ? -v : v);
  const int32_t full = int32_t(1) << (pow2_magnitudes(bits) - 1);
  if (top > 0) {
    int up = 0;
    while ((top << up) < full) ++up;
    for (int32_t& v : ints) v *= int32_t(1) << up;
    frac += up;
  }
  Pow2Result r;
  r.frac = frac;
  r.values.resize(ints.size());
  for (size_t i = 0; i < ints.size(); ++i) r.values[i] = float(std::ldexp(double(ints[i]), -frac));
  r.ints = std::move(ints);
  return r;
}

void check_pow2_input(const std::vector<float>& w, int bits, const char* what) {
  if (bits < kMinPow2Bits || bits > kMaxPow2Bits)
    throw InputError(std::string(what) + ": power-of-two weights take " +
                     std::to_string(kMinPow2Bits) + ".." + std::to_string(kMaxPow2Bits) +
                     " bits, found " + std::to_string(bits));
  for (size_t i = 0; i < w.size(); ++i)
    if (!std::isfinite(w[i]))
      throw InputError(std::string(what) + ": weight " + std::to_string(i) + " is not finite");
}

void check_pow2_frac(int frac, double max_abs, const char* what) {
  if (std::abs(frac) > kMaxWeightFracMagnitude)
    throw InputError(std::string(what) + ": largest magnitude " + std::to_string(max_abs) +
                     " gives a layer scale 2^" + std::to_string(-frac) + ", out of range");
}

bool exact_pow2_grid(const std::vector<float>& w, int bits, Pow2Result& out) {
  int lo = INT_MAX, hi = INT_MIN;
  for (float x : w) {
    if (x == 0) continue;
    int e = 0;
    const double m = std::frexp(std::fabs(double(x)), &e);  // |x| = m * 2^e, m in [0.5, 1)
    if (m != 0.5) return false;
    lo = std::min(lo, e - 1);
    hi = std::max(hi, e - 1);
  }
  const int r = pow2_magnitudes(bits);
  if (hi == INT_MIN) hi = r - 1;  // all zero: any window works; this one gives frac 0
  else if (hi - lo > r - 1) return false;
  const int e_min = hi - r + 1;
  if (std::abs(e_min) > kMaxWeightFracMagnitude) return false;
  std::vector<int32_t> ints(w.size(), 0);
  for (size_t i = 0; i < w.size(); ++i) {
    if (w[i] == 0) continue;
    int e = 0;
    std::frexp(std::fabs(double(w[i])), &e);
    const int32_t mag = int32_t(1) << (e - 1 - e_min);
    ints[i] = w[i] < 0 ? -mag : mag;
  }
  out = make_pow2_result(std::move(ints), -e_min, bits);
  return true;
}

}  // namespace shiftsim::quant
