// The activation unit's arithmetic. The table is built once per function in double from
// std::exp/std::tanh and rounded to kActivationCoeffFrac bits; everything at run time is integer.
#include "quant/fixed_act.h"

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "quant/int_arith.h"

namespace shiftsim::quant {

namespace {

double exact(Activation a, double x) {
  return a == Activation::sigmoid ? 1.0 / (1.0 + std::exp(-x)) : std::tanh(x);
}

// Per segment s: value at its start and the slope to the next breakpoint, both scaled by
// 2^kActivationCoeffFrac (slope per unit of x).
struct Coefficients {
  std::vector<int64_t> value, slope;
  int64_t limit;  // the function's value past the table: 1
};

Coefficients build(Activation a) {
  const ActivationTable t = activation_table(a);
  const double d = std::ldexp(1.0, -t.segment_frac_bits), scale = std::ldexp(1.0, kActivationCoeffFrac);
  Coefficients c;
  for (int s = 0; s < t.segments; ++s) {
    const double y0 = exact(a, s * d), y1 = exact(a, (s + 1) * d);
    c.value.push_back(std::llround(y0 * scale));
    c.slope.push_back(std::llround((y1 - y0) / d * scale));
  }
  c.limit = int64_t(1) << kActivationCoeffFrac;
  return c;
}

const Coefficients& coefficients(Activation a) {
  static const Coefficients sig = build(Activation::sigmoid), th = build(Activation::tanh);
  return a == Activation::sigmoid ? sig : th;
}

void check_format(const char* what, FixedFormat f, int frac_lo, int frac_hi) {
  if (f.bits < 2 || f.bits > 32 || f.frac < frac_lo || f.frac > frac_hi)
    throw std::invalid_argument(std::string("fixed activation: ") + what + " format " +
                                std::to_string(f.bits) + " bits, frac " + std::to_string(f.frac) +
                                " is outside bits 2..32, frac " + std::to_string(frac_lo) + ".." +
                                std::to_string(frac_hi));
}

}  // namespace

const char* to_string(Activation a) { return a == Activation::sigmoid ? "sigmoid" : "tanh"; }

ActivationTable activation_table(Activation a) {
  // 512 segments each: sigmoid over [0, 16) (1 - sigmoid(16) = 1.1e-7), tanh over [0, 8)
  // (1 - tanh(8) = 2.3e-7); chord errors max|f''| d^2 / 8 = 1.2e-5 and 2.4e-5.
  return a == Activation::sigmoid ? ActivationTable{5, 512} : ActivationTable{6, 512};
}

int64_t fixed_activation(Activation a, int64_t x, FixedFormat in, FixedFormat out) {
  check_format("input", in, -8, 32);
  check_format("output", out, 0, kActivationCoeffFrac);
  if (x != clamp_to_bits(x, in.bits))
    throw std::invalid_argument("fixed activation: input " + std::to_string(x) + " does not fit " +
                                std::to_string(in.bits) + " bits");
  const ActivationTable t = activation_table(a);
  const Coefficients& c = coefficients(a);
  const bool negative = x < 0;
  const int64_t mag = negative ? -x : x;  // |x| <= 2^31
  // Segment index and the offset into it, in units of 2^-in.frac.
  int64_t seg, offset = 0;
  const int sh = in.frac - t.segment_frac_bits;
  if (sh >= 0) {
    seg = mag >> sh;
    offset = mag & ((int64_t(1) << sh) - 1);
  } else {
    seg = mag << -sh;  // every representable input is a breakpoint; < 2^45
  }
  // f(|x|) at frac kActivationCoeffFrac + max(in.frac, 0): value < 2^31 shifted by <= 32, and
  // slope <= 2^30 times offset < 2^27, both inside int64.
  const int in_frac = in.frac > 0 ? in.frac : 0;
  const int64_t y = seg >= t.segments
                        ? c.limit << in_frac
                        : (c.value[size_t(seg)] << in_frac) + c.slope[size_t(seg)] * offset;
  int64_t r = rshift_round(y, kActivationCoeffFrac + in_frac - out.frac);
  // Odd/even symmetry applied after rounding, so that f(-x) and f(x) are exact mirrors.
  if (negative) r = a == Activation::sigmoid ? (int64_t(1) << out.frac) - r : -r;
  return clamp_to_bits(r, out.bits);
}

double activation_error_bound(Activation a, FixedFormat out) {
  const double chord = a == Activation::sigmoid ? 1.2e-5 : 2.4e-5;
  return std::ldexp(1.0, -(out.frac + 1)) + chord + std::ldexp(1.0, -(kActivationCoeffFrac - 1));
}

}  // namespace shiftsim::quant
