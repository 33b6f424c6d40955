// n-BQ and GSNQ power-of-two quantizers: representable levels, idempotence, the zero code,
// the authors' n = 3 thresholds, moment matching, sign-based ranges and the INQ partition.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "models/pe_array/weight_layout.h"
#include "quant/gsnq.h"
#include "quant/nbq.h"
#include "quant/pow2.h"
#include "quant_test_util.h"

using namespace shiftsim::quant;
using shiftsim::quant::test::input_error_of;
using Catch::Matchers::Contains;

namespace {
std::vector<float> gaussian(size_t n, double sd, unsigned seed, double mean = 0) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> d(mean, sd);
  std::vector<float> w(n);
  for (float& x : w) x = float(d(rng));
  return w;
}

void require_valid(const Pow2Result& q, const std::vector<float>& w, int bits) {
  REQUIRE(q.ints.size() == w.size());
  REQUIRE(q.values.size() == w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    // the SVPE accepts it, with the layer's sign offsets (GSNQ's two windows; 0 for n-BQ)
    REQUIRE_NOTHROW(shiftsim::models::pow2_code(q.ints[i], uint32_t(bits), uint32_t(q.offset_pos),
                                                uint32_t(q.offset_neg)));
    REQUIRE(q.values[i] == float(std::ldexp(double(q.ints[i]), -q.frac)));
    if (q.ints[i] != 0) REQUIRE((q.ints[i] < 0) == (w[i] < 0));  // sign kept
  }
}

void require_same(const Pow2Result& a, const Pow2Result& b) {
  REQUIRE(a.ints == b.ints);
  REQUIRE(a.frac == b.frac);
  REQUIRE(a.offset_pos == b.offset_pos);
  REQUIRE(a.offset_neg == b.offset_neg);
  REQUIRE(a.values == b.values);
}

const std::vector<std::pair<const char*, std::function<Pow2Result(const std::vector<float>&, int)>>>
    kQuantizers = {
        {"nbq authors", [](auto& w, int b) { return nbq_quantize(w, b, NbqThresholds::authors); }},
        {"nbq moments", [](auto& w, int b) { return nbq_quantize(w, b, NbqThresholds::moments); }},
        {"gsnq", [](auto& w, int b) { return gsnq_quantize(w, b); }},
};
}  // namespace

TEST_CASE("pow2 quantizers: every value is a representable level, and they are idempotent") {
  for (const auto& [name, quantize] : kQuantizers)
    for (int bits = 2; bits <= 5; ++bits)
      for (unsigned seed : {1u, 2u}) {
        INFO(name << ", " << bits << " bits, seed " << seed);
        std::vector<float> w = gaussian(2000, 0.05, seed, seed == 2 ? 0.02 : 0.0);
        const Pow2Result q = quantize(w, bits);
        require_valid(q, w, bits);
        require_same(quantize(q.values, bits), q);
      }
}

TEST_CASE("pow2 quantizers: more bits give more distinct levels on Gaussian weights") {
  // A Gaussian layer spans far more than 2^r magnitudes, so every extra bit must reach more
  // levels (the accuracy table once showed identical 3- and 4-bit rows; this rules out the
  // quantizers as the cause).
  for (const auto& [name, quantize] : kQuantizers)
    for (unsigned seed : {1u, 2u}) {
      const std::vector<float> w = gaussian(20000, 0.05, seed, seed == 2 ? 0.01 : 0.0);
      size_t before = 0;
      for (int bits = 2; bits <= 5; ++bits) {
        INFO(name << ", " << bits << " bits, seed " << seed);
        const Pow2Result q = quantize(w, bits);
        const size_t distinct = std::set<int32_t>(q.ints.begin(), q.ints.end()).size();
        CHECK(distinct > before);
        if (bits > 2) CHECK(q.values != quantize(w, bits - 1).values);
        before = distinct;
      }
    }
}

TEST_CASE("pow2 quantizers: the zero code") {
  for (const auto& [name, quantize] : kQuantizers) {
    INFO(name);
    const Pow2Result z = quantize(std::vector<float>(10, 0.0f), 3);
    for (int32_t v : z.ints) CHECK(v == 0);
    for (float v : z.values) CHECK(v == 0.0f);
    CHECK(shiftsim::models::pow2_code(0, 3) == 0);
    // Tiny weights next to a large one become zero, and zero stays zero.
    const Pow2Result q = quantize({1.0f, 1e-4f, -1e-4f, 0.0f, -0.9f}, 3);
    CHECK(q.ints[1] == 0);
    CHECK(q.ints[2] == 0);
    CHECK(q.ints[3] == 0);
    CHECK(q.ints[4] < 0);
  }
}

TEST_CASE("nbq authors: n = 3 thresholds are 0.02, 0.07, 0.14 x max|W|") {
  const std::vector<double> d = nbq_authors_thresholds(3);
  REQUIRE(d.size() == 3);
  CHECK(d[0] == Approx(0.14));
  CHECK(d[1] == Approx(0.07));
  CHECK(d[2] == Approx(0.02));
  for (double m : {1.0, 0.5, 0.03}) {
    INFO("max|W| = " << m);
    auto at = [&](double f) { return float(f * m); };
    const std::vector<float> w = {at(1.0),    at(0.019), at(0.021), at(0.069), at(0.071),
                                  at(-0.139), at(0.141), at(-0.5),  at(-0.0199)};
    const Pow2Result q = nbq_quantize(w, 3, NbqThresholds::authors);
    // Levels 2^-i * scale as ints 2^(2-i): top 4, then 2, 1, 0.
    const std::vector<int32_t> expect = {4, 0, 1, 1, 2, -2, 4, -4, 0};
    CHECK(q.ints == expect);
    // The scale is a power of two near the least-squares fit: top level within 2x of it.
    const double top = std::ldexp(4.0, -q.frac);
    CHECK(top <= 2 * m);
    CHECK(top >= m / 8);
  }
  // Weights are clipped to [-1, 1] first: 3.0 counts as 1.0 when setting the thresholds.
  const Pow2Result c = nbq_quantize({3.0f, 0.1f, 0.05f, 0.01f}, 3, NbqThresholds::authors);
  CHECK(c.ints == std::vector<int32_t>{4, 2, 1, 0});
  // Other n: halving boundaries, zero threshold at 2/7 of the lowest one.
  CHECK(nbq_authors_thresholds(2) == std::vector<double>{0.08});
  CHECK(nbq_authors_thresholds(4).size() == 7);
  CHECK(nbq_authors_thresholds(4)[5] == Approx(0.004375));
  CHECK(nbq_authors_thresholds(4)[6] == Approx(0.00125));
}

TEST_CASE("nbq moments: the mean and spread of |Q(W)| follow |W|") {
  for (int bits = 2; bits <= 4; ++bits) {
    INFO(bits << " bits");
    const std::vector<float> w = gaussian(20000, 0.1, 7);
    const Pow2Result q = nbq_quantize(w, bits, NbqThresholds::moments);
    auto stats = [](const std::vector<float>& v) {
      double s = 0, s2 = 0;
      for (float x : v) s += std::fabs(x), s2 += double(x) * x;
      const double m = s / double(v.size());
      return std::pair{m, std::sqrt(s2 / double(v.size()) - m * m)};
    };
    const auto [mw, sw] = stats(w);
    const auto [mq, sq] = stats(q.values);
    CHECK(std::fabs(mq - mw) / mw < 0.1);
    CHECK(std::fabs(sq - sw) / mw < 0.2);
  }
  // Ternary (n = 2) on N(0, 1): continuous matching gives scale E|W|^2... = 1.25; the power of
  // two is 1 or 2 and the zero threshold absorbs the rest.
  const Pow2Result t = nbq_quantize(gaussian(20000, 1.0, 3), 2, NbqThresholds::moments);
  CHECK((t.frac == 0 || t.frac == -1));
}

TEST_CASE("gsnq: a layer whose positive and negative ranges differ gets two windows") {
  std::vector<float> w = gaussian(4000, 0.01, 5);
  for (float& x : w) x = x > 0 ? x * 40 : x;  // positives up to ~1.5, negatives up to ~0.04
  const GsnqRanges g = gsnq_ranges(w, 3);
  CHECK(g.e_pos == pow2_max_exponent(*std::max_element(w.begin(), w.end())));
  CHECK(g.e_neg == pow2_max_exponent(-*std::min_element(w.begin(), w.end())));
  CHECK(g.e_pos - g.e_neg >= 4);
  // Each sign's window sits near its own range: the positive one 5 exponents (2^5 ~ 40) higher.
  CHECK(g.top_pos - g.top_neg >= 4);
  const Pow2Result q = gsnq_quantize(w, 3);
  require_valid(q, w, 3);
  CHECK(q.offset_neg == 0);
  CHECK(q.offset_pos >= 4);
  // Both signs use all three of their levels: the negatives are not lost below a shared window.
  std::set<int32_t> pos_levels, neg_levels;
  for (int32_t v : q.ints) (v > 0 ? pos_levels : neg_levels).insert(v);
  neg_levels.erase(0);
  CHECK(pos_levels.size() == 3);
  CHECK(neg_levels.size() == 3);
  CHECK(*neg_levels.rbegin() == -1);  // the lowest negative level is the layer's 2^-frac
  CHECK(*pos_levels.begin() == (1 << q.offset_pos));
  // Without offset hardware (max_offset 0) both signs share one window, and the negatives,
  // 40x smaller, keep at most the window's lowest level.
  const Pow2Result shared = gsnq_quantize(w, 3, 0);
  require_valid(shared, w, 3);
  CHECK(shared.offset_pos == 0);
  CHECK(shared.offset_neg == 0);
  auto sse = [&](const Pow2Result& r) {
    double e = 0;
    for (size_t i = 0; i < w.size(); ++i) e += std::pow(w[i] - r.values[i], 2);
    return e;
  };
  CHECK(sse(q) < sse(shared));
  // A bound between: the windows' lowest exponents differ by at most it.
  const Pow2Result two = gsnq_quantize(w, 3, 2);
  require_valid(two, w, 3);
  CHECK(std::abs(two.offset_pos - two.offset_neg) <= 2);
  CHECK(sse(two) <= sse(shared));
  CHECK(sse(q) <= sse(two));
  // Symmetric weights: the anchors are within one exponent of each other.
  const std::vector<float> s = gaussian(4000, 0.05, 6);
  const GsnqRanges gs = gsnq_ranges(s, 3);
  CHECK(std::abs(gs.e_pos - gs.e_neg) <= 1);
}

TEST_CASE("gsnq: two bits give each sign its least-squares level, not its largest") {
  // INQ's anchor puts a 2-bit layer's one level at its largest weight and zeroes everything
  // below half of it; the chosen level sits where the weights are.
  const std::vector<float> w = gaussian(20000, 0.05, 9);
  const Pow2Result q = gsnq_quantize(w, 2);
  require_valid(q, w, 2);
  size_t zeros = 0;
  for (int32_t v : q.ints) zeros += v == 0;
  CHECK(zeros < w.size() * 6 / 10);
  CHECK(zeros > w.size() * 2 / 10);
  const QuantizedWeights inq = quantize_pow2_weights(w, 2);
  size_t inq_zeros = 0;
  for (int32_t v : inq.values) inq_zeros += v == 0;
  CHECK(inq_zeros > w.size() * 3 / 4);  // 79% here, 94% of LeNet-5's (docs/ACCURACY.md)
}

TEST_CASE("gsnq: the windows follow the sign ranges where that lowers the error") {
  // One large positive outlier, many small negatives: INQ's window (anchored at the outlier)
  // zeroes every negative; GSNQ gives the negatives their own window.
  std::vector<float> w(1000, -0.05f);
  w[0] = 1.0f;
  const Pow2Result g = gsnq_quantize(w, 3);
  const QuantizedWeights inq = quantize_pow2_weights(w, 3);
  auto sse = [&](const auto& ints, int frac) {
    double e = 0;
    for (size_t i = 0; i < w.size(); ++i) e += std::pow(w[i] - std::ldexp(double(ints[i]), -frac), 2);
    return e;
  };
  CHECK(inq.values[1] == 0);
  CHECK(g.ints[1] != 0);
  CHECK(sse(g.ints, g.frac) < sse(inq.values, inq.frac));
  // Never worse than INQ, whose window is one of the candidates.
  for (unsigned seed = 1; seed < 6; ++seed) {
    std::vector<float> v = gaussian(500, 0.1, seed, 0.05);
    const Pow2Result a = gsnq_quantize(v, 4);
    const QuantizedWeights b = quantize_pow2_weights(v, 4);
    double ea = 0, eb = 0;
    for (size_t i = 0; i < v.size(); ++i) {
      ea += std::pow(v[i] - a.values[i], 2);
      eb += std::pow(v[i] - std::ldexp(double(b.values[i]), -b.frac), 2);
    }
    CHECK(ea <= eb * (1 + 1e-12));
  }
}

TEST_CASE("gsnq partition: the largest fraction by magnitude, ties to the lower index") {
  const std::vector<float> w = {0.1f, -0.9f, 0.5f, -0.5f, 0.2f, 0.0f, 0.3f, -0.05f};
  CHECK(gsnq_partition(w, 0.5) == std::vector<uint8_t>{0, 1, 1, 1, 0, 0, 1, 0});
  CHECK(gsnq_partition(w, 0.25) == std::vector<uint8_t>{0, 1, 1, 0, 0, 0, 0, 0});
  CHECK(gsnq_partition(w, 1.0) == std::vector<uint8_t>(8, 1));
  CHECK(gsnq_partition(w, 0.0) == std::vector<uint8_t>(8, 0));
  const std::vector<float> big = gaussian(1001, 1.0, 9);
  for (double f : {0.5, 0.75, 0.875}) {
    const std::vector<uint8_t> m = gsnq_partition(big, f);
    size_t count = 0;
    float min_in = 1e9f, max_out = 0;
    for (size_t i = 0; i < big.size(); ++i) {
      count += m[i];
      if (m[i]) min_in = std::min(min_in, std::fabs(big[i]));
      else max_out = std::max(max_out, std::fabs(big[i]));
    }
    CHECK(count == size_t(std::llround(f * 1001)));
    CHECK(min_in >= max_out);
  }
  CHECK_THAT(input_error_of([&] { gsnq_partition(w, 1.5); }), Contains("fraction"));
}

TEST_CASE("pow2 quantizers: bad bits and non-finite weights are InputErrors") {
  CHECK_THAT(input_error_of([] { nbq_quantize({0.1f}, 6, NbqThresholds::authors); }),
             Contains("2..5") && Contains("6"));
  CHECK_THAT(input_error_of([] { gsnq_quantize({0.1f}, 1); }), Contains("bits"));
  CHECK_THAT(input_error_of([] { nbq_quantize({0.1f, std::nanf("")}, 3, NbqThresholds::moments); }),
             Contains("weight 1") && Contains("not finite"));
  CHECK_THAT(input_error_of([] { gsnq_partition({INFINITY}, 0.5); }), Contains("not finite"));
}
