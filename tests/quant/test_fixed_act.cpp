// Fixed-point sigmoid and tanh: every representable input of several formats against the exact
// function, within the bound docs/QUANTIZATION.md states; symmetry and monotonicity.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

#include "quant/fixed_act.h"

using namespace shiftsim::quant;

namespace {

double exact(Activation a, double x) { return a == Activation::sigmoid ? 1 / (1 + std::exp(-x)) : std::tanh(x); }

struct Sweep {
  double max_error = 0;
  bool monotone = true, symmetric = true;
};

// Every input of `in` (bits <= 20).
Sweep sweep(Activation a, FixedFormat in, FixedFormat out) {
  Sweep s;
  const int64_t lo = -(int64_t(1) << (in.bits - 1)), hi = -lo - 1;
  int64_t prev = INT64_MIN;
  const int64_t one = int64_t(1) << out.frac;
  for (int64_t x = lo; x <= hi; ++x) {
    const int64_t y = fixed_activation(a, x, in, out);
    const double err = std::fabs(std::ldexp(double(y), -out.frac) - exact(a, std::ldexp(double(x), -in.frac)));
    s.max_error = std::max(s.max_error, err);
    s.monotone = s.monotone && y >= prev;
    prev = y;
    if (x > lo) {
      const int64_t m = fixed_activation(a, -x, in, out);
      s.symmetric = s.symmetric && (a == Activation::sigmoid ? m == one - y : m == -y);
    }
  }
  return s;
}

}  // namespace

TEST_CASE("fixed sigmoid and tanh stay within the stated error over every input") {
  const FixedFormat ins[] = {{16, 12}, {16, 8}, {16, 0}, {12, 10}, {8, 4}, {8, -2}, {18, 14}};
  const FixedFormat outs[] = {{16, 14}, {12, 10}, {10, 8}, {8, 6}, {3, 1}, {24, 22}};
  for (Activation a : {Activation::sigmoid, Activation::tanh})
    for (FixedFormat in : ins)
      for (FixedFormat out : outs) {
        INFO(to_string(a) << " in Q" << in.bits << "." << in.frac << " out Q" << out.bits << "." << out.frac);
        const Sweep s = sweep(a, in, out);
        CHECK(s.max_error <= activation_error_bound(a, out));
        CHECK(s.monotone);
        CHECK(s.symmetric);
      }
}

TEST_CASE("fixed sigmoid and tanh: the table, not the output, limits a fine output") {
  // With 22 output fraction bits the rounding is 1.2e-7: what remains is the chord error.
  const Sweep sg = sweep(Activation::sigmoid, {18, 14}, {24, 22});
  const Sweep th = sweep(Activation::tanh, {18, 14}, {24, 22});
  CHECK(sg.max_error > 0.9e-5);
  CHECK(sg.max_error < 1.2e-5 + 2.4e-7);
  CHECK(th.max_error > 1.9e-5);
  CHECK(th.max_error < 2.4e-5 + 2.4e-7);
  // Known points: sigmoid(0) = 1/2, tanh(0) = 0; past the table the limit.
  CHECK(fixed_activation(Activation::sigmoid, 0, {16, 12}, {16, 14}) == 1 << 13);
  CHECK(fixed_activation(Activation::tanh, 0, {16, 12}, {16, 14}) == 0);
  CHECK(fixed_activation(Activation::sigmoid, 32767, {16, 8}, {16, 14}) == 1 << 14);
  CHECK(fixed_activation(Activation::sigmoid, -32768, {16, 8}, {16, 14}) == 0);
  CHECK(fixed_activation(Activation::tanh, -32768, {16, 8}, {16, 14}) == -(1 << 14));
  // An output that cannot hold 1.0 clamps.
  CHECK(fixed_activation(Activation::tanh, 32767, {16, 8}, {8, 7}) == 127);
}

TEST_CASE("fixed sigmoid and tanh refuse formats and inputs outside their range") {
  CHECK_THROWS_AS(fixed_activation(Activation::tanh, 0, {40, 12}, {16, 14}), std::invalid_argument);
  CHECK_THROWS_AS(fixed_activation(Activation::tanh, 0, {16, 12}, {16, 31}), std::invalid_argument);
  CHECK_THROWS_AS(fixed_activation(Activation::tanh, 40000, {16, 12}, {16, 14}), std::invalid_argument);
}
