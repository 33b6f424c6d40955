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

// How far below the lower anchor a window top may go. At 2 bits (one level per sign) the
// least-squares level of Gaussian weights is about a quarter of the largest (2 below the
// anchor); 8 leaves room for long-tailed layers and costs only more candidates.
constexpr int kTopsBelowAnchor = 8;

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

// The magnitudes of one sign.
std::vector<double> magnitudes(const std::vector<float>& w, bool negative) {
  std::vector<double> m;
  for (float x : w)
    if (negative ? x < 0 : x > 0) m.push_back(std::fabs(double(x)));
  return m;
}

// Squared error of one sign's magnitudes in the window whose top is `top` (nearest level,
// saturating, zero below half the lowest level).
double sign_sse(const std::vector<double>& mags, int top, int r) {
  const Pow2Grid grid(top - r + 1, top);
  double sse = 0;
  for (double m : mags) {
    const int s = grid.level(m);
    const double d = m - (s < 0 ? 0.0 : std::ldexp(1.0, top - r + 1 + s));
    sse += d * d;
  }
  return sse;
}

// The exponent of a level value (|v| = 2^e exactly).
int exponent_of(double v) {
  int e = 0;
  std::frexp(v, &e);
  return e - 1;
}

GsnqRanges choose_windows(const std::vector<float>& w, int bits, int max_offset) {
  check_pow2_input(w, bits, "GSNQ weights");
  if (max_offset < 0)
    throw InputError("GSNQ weights: the largest sign offset must be >= 0, found " + std::to_string(max_offset));
  const int r = pow2_magnitudes(bits);
  const int d = std::min(max_offset, gsnq_offset_limit(bits));
  const SignMax m = sign_max(w);
  GsnqRanges g;
  g.e_pos = m.pos > 0 ? pow2_max_exponent(m.pos) : INT_MIN;
  g.e_neg = m.neg > 0 ? pow2_max_exponent(m.neg) : INT_MIN;
  const int hi = std::max(g.e_pos, g.e_neg);
  if (hi == INT_MIN) {  // all zero: frac 0, as the other quantizers
    g.top_pos = g.top_neg = r - 1;
    g.e_min = 0;
    return g;
  }
  const int lo_anchor = std::min(g.e_pos, g.e_neg) == INT_MIN ? hi : std::min(g.e_pos, g.e_neg);
  const int lo = lo_anchor - kTopsBelowAnchor;
  const std::vector<double> pos = magnitudes(w, false), neg = magnitudes(w, true);
  std::vector<double> sse_pos, sse_neg;  // index hi - top
  for (int top = hi; top >= lo; --top) {
    sse_pos.push_back(sign_sse(pos, top, r));
    sse_neg.push_back(sign_sse(neg, top, r));
  }
  // Both windows' lowest exponents differ by |top_pos - top_neg|; the pair of least total
  // error within max_offset, the higher windows first on ties (INQ's choice when it is as good).
  double best = INFINITY;
  for (int tp = hi; tp >= lo; --tp)
    for (int tn = std::min(hi, tp + d); tn >= std::max(lo, tp - d); --tn) {
      const double e = sse_pos[size_t(hi - tp)] + sse_neg[size_t(hi - tn)];
      if (e < best) best = e, g.top_pos = tp, g.top_neg = tn;
    }
  g.e_min = std::min(g.top_pos, g.top_neg) - r + 1;
  check_pow2_frac(-g.e_min, std::max(m.pos, m.neg), "GSNQ weights");
  g.offset_pos = g.top_pos - r + 1 - g.e_min;
  g.offset_neg = g.top_neg - r + 1 - g.e_min;
  return g;
}

// The canonical windows of quantized values (see gsnq.h): each top at the sign's largest level,
// the lower raised to within d of the higher (the windows that quantized them show such a pair
// holds every level used), a sign without weights sharing the other's window.
GsnqRanges canonical(const std::vector<double>& q, int r, int d, GsnqRanges g) {
  int top_pos = INT_MIN, top_neg = INT_MIN;
  for (double v : q) {
    if (v > 0) top_pos = std::max(top_pos, exponent_of(v));
    if (v < 0) top_neg = std::max(top_neg, exponent_of(-v));
  }
  if (top_pos == INT_MIN && top_neg == INT_MIN) return g;  // all zero
  if (top_pos == INT_MIN) top_pos = top_neg;
  if (top_neg == INT_MIN) top_neg = top_pos;
  if (top_pos < top_neg - d) top_pos = top_neg - d;
  if (top_neg < top_pos - d) top_neg = top_pos - d;
  g.top_pos = top_pos, g.top_neg = top_neg;
  g.e_min = std::min(top_pos, top_neg) - r + 1;
  g.offset_pos = top_pos - r + 1 - g.e_min;
  g.offset_neg = top_neg - r + 1 - g.e_min;
  return g;
}

}  // namespace

int gsnq_offset_limit(int bits) { return kMaxPow2Shift - (pow2_magnitudes(bits) - 1); }

GsnqRanges gsnq_ranges(const std::vector<float>& w, int bits, int max_offset) {
  return choose_windows(w, bits, max_offset);
}

Pow2Result gsnq_quantize(const std::vector<float>& w, int bits, int max_offset) {
  const GsnqRanges g = choose_windows(w, bits, max_offset);
  const int r = pow2_magnitudes(bits);
  const Pow2Grid grid_pos(g.top_pos - r + 1, g.top_pos), grid_neg(g.top_neg - r + 1, g.top_neg);
  std::vector<double> q(w.size(), 0.0);
  for (size_t j = 0; j < w.size(); ++j) {
    if (w[j] == 0) continue;
    const bool neg = w[j] < 0;
    const int s = (neg ? grid_neg : grid_pos).level(std::fabs(double(w[j])));
    if (s < 0) continue;
    const double v = std::ldexp(1.0, (neg ? g.top_neg : g.top_pos) - r + 1 + s);
    q[j] = neg ? -v : v;
  }
  const GsnqRanges c = canonical(q, r, std::min(max_offset, gsnq_offset_limit(bits)), g);
  Pow2Result out;
  out.frac = -c.e_min;
  out.offset_pos = c.offset_pos;
  out.offset_neg = c.offset_neg;
  check_pow2_frac(out.frac, 0, "GSNQ weights");
  out.ints.resize(w.size());
  out.values.resize(w.size());
  for (size_t j = 0; j < w.size(); ++j) {
    out.ints[j] = q[j] == 0 ? 0 : int32_t(std::ldexp(q[j], -c.e_min));  // exact: +-2^(e - e_min)
    out.values[j] = float(q[j]);
  }
  return out;
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
