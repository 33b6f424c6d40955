#include "quant/gsnq.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <numeric>
#include <string>

#include "common/input_error.h"
#include "quant/fixed_point.h"
#include "quant/pow2.h"

namespace shiftsim::quant {

namespace {

struct SignMax {
  double pos = 0, neg = 0;
};

SignMax sign_max(const std::vector<float>& w) {
  SignMax m;
  for (float x : w) {
    if (x > 0) m.pos = std::max(m.pos, double(x));
    if (x < 0) m.neg = std::max(m.neg, -double(x));
  }
  return m;
}

// s of every weight in the window [e_min, e_min + r - 1] (nearest level, saturating); -1 = zero.
// No cap at the sign's anchor is needed: max_s < 1.5 * 2^e_s, so nearest rounding never goes
// above 2^e_s unless the window has no level at or below it.
std::vector<int> levels_in(const std::vector<float>& w, int r, const GsnqRanges& g) {
  const Pow2Grid grid(g.e_min, g.e_min + r - 1);
  std::vector<int> s(w.size());
  for (size_t j = 0; j < w.size(); ++j) s[j] = grid.level(w[j]);
  return s;
}

double squared_error(const std::vector<float>& w, const std::vector<int>& s, int e_min) {
  double sse = 0;
  for (size_t j = 0; j < w.size(); ++j) {
    const double q = s[j] < 0 ? 0.0 : std::ldexp(1.0, e_min + s[j]);
    const double d = std::fabs(double(w[j])) - q;
    sse += d * d;
  }
  return sse;
}

GsnqRanges choose_window(const std::vector<float>& w, int bits) {
  check_pow2_input(w, bits, "GSNQ weights");
  const int r = pow2_magnitudes(bits);
  const SignMax m = sign_max(w);
  GsnqRanges g;
  g.e_pos = m.pos > 0 ? pow2_max_exponent(m.pos) : INT_MIN;
  g.e_neg = m.neg > 0 ? pow2_max_exponent(m.neg) : INT_MIN;
  const int hi = std::max(g.e_pos, g.e_neg);
  if (hi == INT_MIN) {  // all zero
    g.e_min = 0;
    return g;
  }
  const int lo = std::min(g.e_pos, g.e_neg) == INT_MIN ? hi : std::min(g.e_pos, g.e_neg);
  check_pow2_frac(-(lo - r + 1), std::max(m.pos, m.neg), "GSNQ weights");
  check_pow2_frac(-(hi - r + 1), std::max(m.pos, m.neg), "GSNQ weights");
  g.e_min = hi - r + 1;
  double best = squared_error(w, levels_in(w, r, g), g.e_min);
  for (int top = hi - 1; top >= lo; --top) {
    GsnqRanges c = g;
    c.e_min = top - r + 1;
    const double sse = squared_error(w, levels_in(w, r, c), c.e_min);
    if (sse < best) best = sse, g.e_min = c.e_min;
  }
  return g;
}

}  // namespace

GsnqRanges gsnq_ranges(const std::vector<float>& w, int bits) { return choose_window(w, bits); }

Pow2Result gsnq_quantize(const std::vector<float>& w, int bits) {
  const GsnqRanges g = choose_window(w, bits);
  const std::vector<int> s = levels_in(w, pow2_magnitudes(bits), g);
  std::vector<int32_t> ints(w.size(), 0);
  for (size_t j = 0; j < w.size(); ++j) {
    if (s[j] < 0) continue;
    ints[j] = w[j] < 0 ? -(int32_t(1) << s[j]) : int32_t(1) << s[j];
  }
  Pow2Result q = make_pow2_result(std::move(ints), -g.e_min, bits);
  check_pow2_frac(q.frac, 0, "GSNQ weights");
  return q;
}

std::vector<uint8_t> gsnq_partition(const std::vector<float>& w, double fraction) {
  if (!(fraction >= 0 && fraction <= 1))
    throw InputError("GSNQ partition: fraction must be in [0, 1], found " + std::to_string(fraction));
  for (size_t j = 0; j < w.size(); ++j)
    if (!std::isfinite(w[j]))
      throw InputError("GSNQ partition: weight " + std::to_string(j) + " is not finite");
  const size_t n = w.size();
  const size_t k = std::min(n, size_t(std::llround(fraction * double(n))));
  std::vector<size_t> idx(n);
  std::iota(idx.begin(), idx.end(), size_t(0));
  auto before = [&](size_t a, size_t b) {
    const float fa = std::fabs(w[a]), fb = std::fabs(w[b]);
    return fa != fb ? fa > fb : a < b;
  };
  if (k < n) std::nth_element(idx.begin(), idx.begin() + long(k), idx.end(), before);
  std::vector<uint8_t> mask(n, 0);
  for (size_t j = 0; j < k; ++j) mask[idx[j]] = 1;
  return mask;
}

}  // namespace shiftsim::quant
