#include "quant/nbq.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "quant/fixed_point.h"
#include "quant/pow2.h"

namespace shiftsim::quant {

namespace {

// ints from per-weight level indices (-1 = zero, else i: magnitude 2^-i * 2^k).
Pow2Result from_levels(const std::vector<float>& w, const std::vector<int>& level, int bits, int k,
                       double max_abs) {
  const int r = pow2_magnitudes(bits);
  std::vector<int32_t> ints(w.size(), 0);
  for (size_t j = 0; j < w.size(); ++j) {
    if (level[j] < 0) continue;
    const int32_t mag = int32_t(1) << (r - 1 - level[j]);
    ints[j] = w[j] < 0 ? -mag : mag;
  }
  Pow2Result q = make_pow2_result(std::move(ints), r - 1 - k, bits);
  check_pow2_frac(q.frac, max_abs, "n-BQ weights");
  return q;
}

// The power of two 2^k nearest in squared error to the fitted scale of a fixed assignment:
// SSE(k) = sum a^2 - 2 * 2^k * sum(a l) + 4^k * sum(l^2); convex in 2^k, so the best power of
// two is one of the two around the continuous optimum sum(a l) / sum(l^2). Ties: the larger.
int best_pow2_scale(double sum_al, double sum_ll) {
  const int k0 = int(std::floor(std::log2(sum_al / sum_ll)));
  auto cost = [&](int k) { return -2 * std::ldexp(sum_al, k) + std::ldexp(sum_ll, 2 * k); };
  return cost(k0 + 1) <= cost(k0) ? k0 + 1 : k0;
}

Pow2Result quantize_authors(const std::vector<float>& w, int bits) {
  const int r = pow2_magnitudes(bits);
  const std::vector<double> f = nbq_authors_thresholds(bits);
  double m = 0;
  for (float x : w) m = std::max(m, std::min(1.0, double(std::fabs(x))));  // clip to [-1, 1]
  std::vector<int> level(w.size(), -1);
  double sum_al = 0, sum_ll = 0;
  for (size_t j = 0; j < w.size(); ++j) {
    const double a = std::min(1.0, double(std::fabs(w[j])));
    // Delta_(i+1) <= a < Delta_i gives level i; below Delta_r zero.
    int i = 0;
    while (i < r && a < f[size_t(i)] * m) ++i;
    if (i == r) continue;
    level[j] = i;
    const double l = std::ldexp(1.0, -i);
    sum_al += a * l;
    sum_ll += l * l;
  }
  if (sum_ll == 0) return from_levels(w, level, bits, r - 1, m);  // nothing survives: all zero
  return from_levels(w, level, bits, best_pow2_scale(sum_al, sum_ll), m);
}

struct Moments {
  double mismatch = std::numeric_limits<double>::infinity(), sse = 0;
  int k = 0;
  size_t zeros = 0;
};

// Mean/variance matching over scales 2^k and zero counts z (the z smallest |w| become 0).
Pow2Result quantize_moments(const std::vector<float>& w, int bits) {
  const int r = pow2_magnitudes(bits);
  const size_t n = w.size();
  std::vector<double> a(n);
  for (size_t j = 0; j < n; ++j) a[j] = std::fabs(double(w[j]));
  std::sort(a.begin(), a.end());
  std::vector<double> s1(n + 1, 0), s2(n + 1, 0);  // prefix sums of a and a^2
  for (size_t j = 0; j < n; ++j) s1[j + 1] = s1[j] + a[j], s2[j + 1] = s2[j] + a[j] * a[j];
  const double mean = s1[n] / double(n);
  const double sd = std::sqrt(std::max(0.0, s2[n] / double(n) - mean * mean));
  const double max_abs = a.back();
  const int e_top = pow2_max_exponent(max_abs);

  Moments best;
  for (int k = e_top + 1; k >= e_top - r - 3; --k) {
    // Level i covers [0.75 * 2^(k-i), 0.75 * 2^(k-i+1)) (nearest level); cut[i] = first index of
    // level i's range from the top, cut[r] = 0: [cut[i+1], cut[i]) holds level i.
    std::vector<size_t> cut(size_t(r) + 1, n);
    for (int i = 0; i < r; ++i) {
      const double lo = i == r - 1 ? 0.0 : 0.75 * std::ldexp(1.0, k - i);
      cut[size_t(i) + 1] = size_t(std::lower_bound(a.begin(), a.end(), lo) - a.begin());
      if (i + 1 == r) cut[size_t(r)] = 0;
    }
    double sum_q = 0, sum_qq = 0, sum_aq = 0;
    for (int i = 0; i < r; ++i) {
      const double l = std::ldexp(1.0, k - i), cnt = double(cut[size_t(i)] - cut[size_t(i) + 1]);
      sum_q += cnt * l;
      sum_qq += cnt * l * l;
      sum_aq += l * (s1[cut[size_t(i)]] - s1[cut[size_t(i) + 1]]);
    }
    const double l_min = std::ldexp(1.0, k - r + 1);
    for (size_t z = 0; z <= cut[size_t(r) - 1]; ++z) {
      if (z > 0 && z < n && a[z - 1] == a[z]) continue;  // equal magnitudes share a level
      const double q1 = sum_q - double(z) * l_min, q2 = sum_qq - double(z) * l_min * l_min;
      const double mq = q1 / double(n), sq = std::sqrt(std::max(0.0, q2 / double(n) - mq * mq));
      const double mismatch = ((mq - mean) * (mq - mean) + (sq - sd) * (sq - sd)) / (mean * mean);
      const double sse = s2[n] - 2 * (sum_aq - l_min * s1[z]) + q2;
      if (mismatch < best.mismatch * (1 - 1e-12) ||
          (mismatch <= best.mismatch * (1 + 1e-12) && sse < best.sse))
        best = {mismatch, sse, k, z};
    }
  }
  const double zero_below = best.zeros == 0 ? 0.0
                            : best.zeros == n ? std::numeric_limits<double>::infinity()
                                              : a[best.zeros];
  std::vector<int> level(n, -1);
  for (size_t j = 0; j < n; ++j) {
    const double x = std::fabs(double(w[j]));
    if (x < zero_below) continue;
    int i = 0;
    while (i < r - 1 && x < 0.75 * std::ldexp(1.0, best.k - i)) ++i;
    level[j] = i;
  }
  return from_levels(w, level, bits, best.k, max_abs);
}

}  // namespace

std::vector<double> nbq_authors_thresholds(int bits) {
  const int r = pow2_magnitudes(bits);
  std::vector<double> d;
  for (int i = 1; i <= r - 1; ++i) d.push_back(0.14 * std::ldexp(1.0, -(i - 1)));
  d.push_back(0.04 * std::ldexp(1.0, -(r - 2)));
  return d;
}

Pow2Result nbq_quantize(const std::vector<float>& w, int bits, NbqThresholds t) {
  check_pow2_input(w, bits, "n-BQ weights");
  Pow2Result exact;
  if (exact_pow2_grid(w, bits, exact)) return exact;
  return t == NbqThresholds::authors ? quantize_authors(w, bits) : quantize_moments(w, bits);
}

}  // namespace shiftsim::quant
