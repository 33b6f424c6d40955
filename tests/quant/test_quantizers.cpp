// Fixed-point and power-of-two quantizers, the integer primitives, bias and input quantization.
#include <catch2/catch.hpp>

#include <climits>
#include <cmath>
#include <random>

#include "quant/fixed_point.h"
#include "quant/int_arith.h"
#include "quant/pow2.h"
#include "quant_test_util.h"

using namespace shiftsim::quant;
using shiftsim::quant::test::input_error_of;
using Catch::Matchers::Contains;

namespace {
std::vector<float> random_weights(size_t n, double scale, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<float> w(n);
  for (float& x : w) x = float((double(rng()) / 4294967296.0 * 2 - 1) * scale);
  return w;
}
std::vector<float> dequantize(const QuantizedWeights& q) {
  std::vector<float> w;
  for (int32_t v : q.values) w.push_back(float(std::ldexp(double(v), -q.frac)));
  return w;
}
}  // namespace

TEST_CASE("rshift_round: arithmetic shift, halves round up") {
  CHECK(rshift_round(5, 1) == 3);     // 2.5 -> 3
  CHECK(rshift_round(-5, 1) == -2);   // -2.5 -> -2
  CHECK(rshift_round(-3, 1) == -1);   // -1.5 -> -1
  CHECK(rshift_round(-1, 1) == 0);    // -0.5 -> 0
  CHECK(rshift_round(-6, 2) == -1);   // -1.5 -> -1
  CHECK(rshift_round(-7, 2) == -2);   // -1.75 -> -2
  CHECK(rshift_round(6, 2) == 2);     // 1.5 -> 2
  CHECK(rshift_round(5, 2) == 1);     // 1.25 -> 1
  CHECK(rshift_round(7, 0) == 7);
  CHECK(rshift_round(-7, -3) == -7);
  CHECK(rshift_round(INT64_MAX, 1) == (int64_t(1) << 62));  // no overflow near the top
  CHECK(rshift_round(INT64_MIN, 1) == -(int64_t(1) << 62));
  CHECK(rshift_round(INT64_MAX, 63) == 1);
  CHECK(rshift_round(INT64_MIN, 70) == 0);
  // Agrees with (x + 2^(s-1)) >> s wherever that does not overflow.
  for (int64_t x = -300; x <= 300; ++x)
    for (int s = 1; s < 6; ++s) REQUIRE(rshift_round(x, s) == ((x + (int64_t(1) << (s - 1))) >> s));
}

TEST_CASE("clamp, wrap, floor division, round half away") {
  CHECK(max_of_bits(8) == 127);
  CHECK(min_of_bits(8) == -128);
  CHECK(clamp_to_bits(200, 8) == 127);
  CHECK(clamp_to_bits(-200, 8) == -128);
  CHECK(wrap_to_bits(128, 8) == -128);
  CHECK(wrap_to_bits(255, 8) == -1);
  CHECK(wrap_to_bits(-129, 8) == 127);
  CHECK(wrap_to_bits(200, 8) == -56);
  CHECK(wrap_to_bits((int64_t(1) << 47) + 5, 48) == -(int64_t(1) << 47) + 5);
  CHECK(floor_div(-7, 2) == -4);
  CHECK(floor_div(7, 2) == 3);
  CHECK(floor_div(-8, 2) == -4);
  CHECK(round_half_away(2.5) == 3.0);
  CHECK(round_half_away(-2.5) == -3.0);
  CHECK(round_half_away(0.49999999999999994) == 0.0);
  CHECK(round_half_away(-1.4) == -1.0);
  CHECK(round_to_bits(1e30, 16) == 32767);
  CHECK(round_to_bits(-32768.4, 16) == -32768);
}

TEST_CASE("fixed point: weight format is the largest frac that fits") {
  CHECK(fixed_weight_frac(1.0, 8) == 6);            // 64 fits 127, 128 does not
  CHECK(fixed_weight_frac(127.0 / 128, 8) == 7);    // exactly 127
  CHECK(fixed_weight_frac(255.0 / 256, 8) == 6);    // 127.5 rounds away to 128
  CHECK(fixed_weight_frac(0.996, 8) == 7);          // 127.49 rounds to 127
  CHECK(fixed_weight_frac(3.0, 4) == 1);            // 6 <= 7 < 12
  CHECK(fixed_weight_frac(1000.0, 8) == -3);        // 125
  CHECK(fixed_weight_frac(0.0, 8) == 7);
  CHECK(fixed_weight_frac(1.0, 16) == 14);

  QuantizedWeights q = quantize_fixed_weights({0.5f, -0.25f, 0.3f, -1.0f, 0.0390625f, -0.0390625f}, 8);
  CHECK(q.frac == 6);
  CHECK(q.values == std::vector<int16_t>{32, -16, 19, -64, 3, -3});  // +-2.5 rounds away
}

TEST_CASE("fixed point: range is used and quantization is idempotent") {
  for (int bits : {2, 3, 4, 8, 12, 16}) {
    for (double scale : {0.01, 0.7, 3.0, 200.0}) {
      auto w = random_weights(500, scale, unsigned(bits * 1000 + int(scale * 10)));
      QuantizedWeights q = quantize_fixed_weights(w, bits);
      int32_t largest = 0;
      for (int32_t v : q.values) {
        REQUIRE(std::abs(v) <= max_of_bits(bits));
        largest = std::max(largest, std::abs(v));
      }
      CHECK(largest >= (1 << (bits - 2)));  // one more frac bit would not fit
      QuantizedWeights again = quantize_fixed_weights(dequantize(q), bits);
      CHECK(again.frac == q.frac);
      CHECK(again.values == q.values);
    }
  }
}

TEST_CASE("pow2: INQ maximum exponent, exact at the boundaries") {
  CHECK(pow2_max_exponent(1.0) == 0);      // floor(log2(4/3))
  CHECK(pow2_max_exponent(0.75) == 0);     // 4/3 * 0.75 = 1 exactly
  CHECK(pow2_max_exponent(0.7499) == -1);
  CHECK(pow2_max_exponent(1.5) == 1);      // = 2
  CHECK(pow2_max_exponent(1.4999) == 0);
  CHECK(pow2_max_exponent(0.1) == -3);     // log2(0.1333) = -2.9
  CHECK(pow2_max_exponent(96.0) == 7);     // 128
  CHECK(pow2_magnitudes(2) == 1);
  CHECK(pow2_magnitudes(4) == 7);
}

TEST_CASE("pow2: nearest level, ties toward the larger magnitude") {
  // Levels 0, 1/4, 1/2, 1 (e in [-2, 0]).
  CHECK(pow2_level_exponent(0.1249, -2, 0) == INT_MIN);
  CHECK(pow2_level_exponent(0.125, -2, 0) == -2);   // tie with 0 goes up
  CHECK(pow2_level_exponent(0.37, -2, 0) == -2);
  CHECK(pow2_level_exponent(0.375, -2, 0) == -1);   // tie between 1/4 and 1/2
  CHECK(pow2_level_exponent(0.74, -2, 0) == -1);
  CHECK(pow2_level_exponent(0.75, -2, 0) == 0);
  CHECK(pow2_level_exponent(-0.75, -2, 0) == 0);
  CHECK(pow2_level_exponent(5.0, -2, 0) == 0);      // beyond the top: the top level

  // 3 bits, max |w| = 1: e_max = 0, e_min = -2, w_frac = 2, integers 0, +-1, +-2, +-4.
  QuantizedWeights q = quantize_pow2_weights({1.0f, -0.5f, 0.3f, -0.1f, 0.125f, -0.375f, 0.74f}, 3);
  CHECK(q.frac == 2);
  CHECK(q.values == std::vector<int16_t>{4, -2, 1, 0, 1, -2, 2});
  // All zero weights stay zero.
  QuantizedWeights z = quantize_pow2_weights({0.0f, 0.0f}, 4);
  CHECK(z.values == std::vector<int16_t>{0, 0});
}

TEST_CASE("pow2: a float's level from its bits equals the threshold search, at every threshold") {
  for (int e_min = -60; e_min <= 40; e_min += 7)
    for (int count = 1; count <= 16; count += 3) {
      const Pow2Grid grid(e_min, e_min + count - 1);
      std::vector<float> probes = {0.0f, -0.0f, 1e-45f, std::ldexp(1.0f, -126), 3.0e38f};
      // Each threshold (2^(e_min-1), then 1.5 * 2^e) and the floats just either side of it.
      for (int j = 0; j <= count; ++j) {
        const float t = j == 0 ? std::ldexp(1.0f, e_min - 1) : std::ldexp(1.5f, e_min + j - 1);
        for (float p : {std::nextafter(t, 0.0f), t, std::nextafter(t, 1e38f)}) {
          probes.push_back(p);
          probes.push_back(-p);
        }
      }
      for (float p : probes) {
        INFO("e_min " << e_min << ", " << count << " levels, w = " << p);
        REQUIRE(grid.level(p) == grid.level(double(p)));
      }
    }
}

TEST_CASE("pow2: a layer large enough to be quantized in two halves equals the per-weight rule") {
  auto w = random_weights((size_t(1) << 22) + 3, 0.05, 7u);  // above the two-thread size
  w[123] = 0.05f;
  const QuantizedWeights q = quantize_pow2_weights(w, 4);
  const int e_max = pow2_max_exponent(0.05), e_min = e_max - pow2_magnitudes(4) + 1;
  CHECK(q.frac == -e_min);
  size_t differ = 0;
  for (size_t i = 0; i < w.size(); i += 1) {
    const int e = pow2_level_exponent(double(w[i]), e_min, e_max);
    const int32_t mag = e == INT_MIN ? 0 : int32_t(1) << (e - e_min);
    differ += q.values[i] != (w[i] < 0 ? -mag : mag);
  }
  CHECK(differ == 0);
  w[w.size() - 2] = -0.07f;  // the largest magnitude, negative, in the second half
  CHECK(max_abs(w) == double(0.07f));
  w.back() = NAN;
  CHECK_THAT(input_error_of([&] { quantize_pow2_weights(w, 4); }), Contains("non-finite"));
  CHECK_THAT(input_error_of([&] { quantize_fixed_weights(w, 8); }), Contains("non-finite"));
}

TEST_CASE("pow2: every value is a representable level, quantization is idempotent") {
  for (int bits = kMinPow2Bits; bits <= kMaxPow2Bits; ++bits) {
    auto w = random_weights(2000, 0.3, unsigned(bits));
    QuantizedWeights q = quantize_pow2_weights(w, bits);
    const int r = pow2_magnitudes(bits);
    bool top_used = false;
    for (size_t i = 0; i < w.size(); ++i) {
      const int32_t v = q.values[i];
      const int32_t mag = std::abs(v);
      REQUIRE((mag == 0 || (mag & (mag - 1)) == 0));  // zero or a power of two
      REQUIRE(mag <= (1 << (r - 1)));                 // s <= r - 1
      if (v != 0) REQUIRE((v < 0) == (w[i] < 0));
      top_used |= mag == (1 << (r - 1));
      // The chosen level is at least as close as the neighbouring levels.
      const double real = std::ldexp(double(v), -q.frac);
      const double err = std::fabs(real - w[i]);
      for (int s = 0; s < r; ++s)
        REQUIRE(err <= std::fabs(std::copysign(std::ldexp(1.0, s - q.frac), w[i]) - w[i]) + 1e-12);
      REQUIRE(err <= std::fabs(w[i]) + 1e-12);
    }
    CHECK(top_used);  // the largest weight maps to 2^e_max
    QuantizedWeights again = quantize_pow2_weights(dequantize(q), bits);
    CHECK(again.frac == q.frac);
    CHECK(again.values == q.values);
  }
}

TEST_CASE("bias and input quantization") {
  CHECK(quantize_bias({0.5f, -0.3f, 0.0f}, 10, 48) == std::vector<int64_t>{512, -307, 0});
  CHECK(quantize_bias({1000.0f, -1000.0f}, 10, 16) == std::vector<int64_t>{32767, -32768});
  CHECK(quantize_bias({0.75f}, -1, 48) == std::vector<int64_t>{0});  // 0.375 -> 0
  CHECK(quantize_bias({3.0f}, -1, 48) == std::vector<int64_t>{2});   // 1.5 -> 2 (away from 0)

  FixedFormat fmt = default_input_format(16);
  CHECK(fmt.bits == 16);
  CHECK(fmt.frac == 15);
  Tensor<float> x(Shape{1, 1, 5});
  x.data = {1.0f, -1.0f, 0.5f, -0.25f, 0.00001f};
  CHECK(quantize_input(x, fmt).data == std::vector<int16_t>{32767, -32768, 16384, -8192, 0});
  CHECK(quantize_input(x, FixedFormat{8, 4}).data == std::vector<int16_t>{16, -16, 8, -4, 0});
  x.data[3] = std::nanf("");
  CHECK_THAT(input_error_of([&] { quantize_input(x, fmt); }), Contains("input element 3 is not finite"));
  CHECK_THAT(input_error_of([] { quantize_fixed_weights({1.0f, INFINITY}, 8); }), Contains("non-finite"));
}
