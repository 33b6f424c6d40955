// The split int16 dot products against a naive int64 loop, at the extremes of the ranges.
#include <catch2/catch.hpp>

#include <random>

#include "common/exact_dot.h"

using namespace shiftsim;

namespace {
int64_t naive(const std::vector<int16_t>& a, const std::vector<int16_t>& w) {
  int64_t s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += int64_t(a[i]) * w[i];
  return s;
}
struct Split {
  std::vector<int16_t> hi, lo;
  explicit Split(const std::vector<int16_t>& a) : hi(a.size()), lo(a.size()) {
    split_activations(a.data(), a.size(), hi.data(), lo.data());
  }
};
}  // namespace

TEST_CASE("exact dot: split halves recombine") {
  for (int a : {-32768, -32767, -257, -256, -255, -1, 0, 1, 255, 256, 32767}) {
    int16_t v = int16_t(a), hi, lo;
    split_activations(&v, 1, &hi, &lo);
    REQUIRE(lo >= 0);
    REQUIRE(lo <= 255);
    REQUIRE(256 * hi + lo == a);
  }
}

TEST_CASE("exact dot: extreme values, 16-bit weights") {
  for (size_t n : {1u, 31u, 256u, 257u, 1000u, 5000u}) {
    for (int16_t a : {int16_t(-32768), int16_t(32767)}) {
      for (int16_t w : {int16_t(-32767), int16_t(32767), int16_t(-32768)}) {
        std::vector<int16_t> av(n, a), wv(n, w);
        const int64_t want = int64_t(n) * a * w;
        REQUIRE(naive(av, wv) == want);
        REQUIRE(exact_dot(av.data(), wv.data(), n) == want);
        Split s(av);
        REQUIRE(exact_dot_split(s.hi.data(), s.lo.data(), wv.data(), n, exact_dot_chunk(32768)) == want);
      }
    }
  }
  CHECK(exact_dot_chunk(32767) == 256);
  CHECK(exact_dot_chunk(32768) == 256);
  CHECK(exact_dot_chunk(127) == 66304);
}

TEST_CASE("exact dot: the chunk for narrow weights is the tightest safe one") {
  // lo = 255 everywhere (a = 32767) against the largest weight of each width, over several
  // full chunks: any int32 overflow would change the result.
  for (int32_t maxw : {1, 7, 64, 127, 2047, 16384}) {
    const size_t chunk = exact_dot_chunk(maxw);
    REQUIRE(chunk % 32 == 0);
    REQUIRE(int64_t(chunk) * 255 * maxw <= INT32_MAX);
    const size_t n = std::min<size_t>(2 * chunk + 37, size_t(3) << 20);
    for (int16_t a : {int16_t(32767), int16_t(-32768)}) {
      std::vector<int16_t> av(n, a), wv(n, int16_t(maxw)), wn(n, int16_t(-maxw));
      Split s(av);
      REQUIRE(exact_dot_split(s.hi.data(), s.lo.data(), wv.data(), n, chunk) == int64_t(n) * a * maxw);
      REQUIRE(exact_dot_split(s.hi.data(), s.lo.data(), wn.data(), n, chunk) == -int64_t(n) * a * maxw);
    }
  }
}

TEST_CASE("exact dot: 1x4 and 2x4 tiles equal the naive dots on random and extreme data") {
  std::mt19937 rng(42);
  for (size_t n : {32u, 64u, 288u, 1216u, 4608u}) {
    std::vector<std::vector<int16_t>> a(2, std::vector<int16_t>(n)), w(4, std::vector<int16_t>(n));
    for (int trial = 0; trial < 3; ++trial) {
      for (auto& row : a)
        for (auto& x : row) x = trial == 2 ? int16_t(-32768) : int16_t(rng());
      for (auto& row : w)
        for (auto& x : row) x = trial == 2 ? int16_t(-32767) : int16_t(int(rng() % 65535) - 32767);
      Split s0(a[0]), s1(a[1]);
      const int16_t* hi[2] = {s0.hi.data(), s1.hi.data()};
      const int16_t* lo[2] = {s0.lo.data(), s1.lo.data()};
      const int16_t* rows[4] = {w[0].data(), w[1].data(), w[2].data(), w[3].data()};
      int64_t out[2][4];
      exact_dot_2x4(hi, lo, rows, n, exact_dot_chunk(32767), out);
      for (int r = 0; r < 2; ++r)
        for (int k = 0; k < 4; ++k) REQUIRE(out[r][k] == naive(a[size_t(r)], w[size_t(k)]));
      int64_t one[4];
      exact_dot_1x4(s1.hi.data(), s1.lo.data(), rows, n, exact_dot_chunk(32767), one);
      for (int k = 0; k < 4; ++k) REQUIRE(one[k] == naive(a[1], w[size_t(k)]));
    }
  }
}
