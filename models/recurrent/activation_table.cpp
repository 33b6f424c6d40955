#include "models/recurrent/activation_table.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace shiftsim::models {

namespace {

constexpr int kCoeffFrac = 30;

// The ROM: per segment its start value and slope, rounded to kCoeffFrac fraction bits. Built
// once from the functions in double as a synthesis script would fill the ROM.
struct Rom {
  int segment_frac;
  int segments;
  std::vector<int64_t> value, slope;
};

Rom build(ActFn f) {
  Rom r;
  r.segment_frac = f == ActFn::sigmoid ? 5 : 6;  // widths 2^-5 over [0, 16), 2^-6 over [0, 8)
  r.segments = 512;
  const double d = std::ldexp(1.0, -r.segment_frac), scale = std::ldexp(1.0, kCoeffFrac);
  auto fn = [&](double x) { return f == ActFn::sigmoid ? 1.0 / (1.0 + std::exp(-x)) : std::tanh(x); };
  for (int s = 0; s < r.segments; ++s) {
    const double y0 = fn(s * d), y1 = fn((s + 1) * d);
    r.value.push_back(std::llround(y0 * scale));
    r.slope.push_back(std::llround((y1 - y0) / d * scale));
  }
  return r;
}

const Rom& rom(ActFn f) {
  static const Rom sig = build(ActFn::sigmoid), th = build(ActFn::tanh);
  return f == ActFn::sigmoid ? sig : th;
}

int64_t rshift_round(int64_t x, int s) {
  if (s <= 0) return x;
  if (s >= 64) return 0;
  return (x >> s) + ((x >> (s - 1)) & 1);
}

int64_t clamp_bits(int64_t x, int bits) {
  const int64_t hi = (int64_t(1) << (bits - 1)) - 1, lo = -hi - 1;
  return x > hi ? hi : x < lo ? lo : x;
}

uint32_t bits_of(int64_t v) {
  uint32_t b = 0;
  while (v >> b) ++b;
  return b;
}

ActivationRomShape measure_rom() {
  ActivationRomShape s;
  s.coeff_frac = kCoeffFrac;
  for (ActFn f : {ActFn::sigmoid, ActFn::tanh}) {
    const Rom& r = rom(f);
    s.entries += uint32_t(r.segments);
    s.max_segment_frac = std::max(s.max_segment_frac, uint32_t(r.segment_frac));
    // A saturated input reads 1.0 (2^kCoeffFrac) instead of the ROM: the value path holds it too.
    s.value_bits = std::max(s.value_bits, bits_of(int64_t(1) << kCoeffFrac));
    for (int i = 0; i < r.segments; ++i) {
      s.value_bits = std::max(s.value_bits, bits_of(r.value[size_t(i)]));
      s.slope_bits = std::max(s.slope_bits, bits_of(r.slope[size_t(i)]));
    }
  }
  return s;
}

}  // namespace

// Measured once: every machine's activity counter asks (models/energy/activity.cpp).
ActivationRomShape activation_rom_shape() {
  static const ActivationRomShape shape = measure_rom();
  return shape;
}

ActivationRomEntry activation_rom_entry(ActFn f, uint32_t segment) {
  const Rom& r = rom(f);
  return {r.value.at(segment), r.slope.at(segment)};
}

int64_t activation(ActFn f, int64_t x, Fmt in, Fmt out) {
  const Rom& r = rom(f);
  const bool negative = x < 0;
  const int64_t mag = negative ? -x : x;
  int64_t seg, offset = 0;
  const int sh = in.frac - r.segment_frac;
  if (sh >= 0) {
    seg = mag >> sh;
    offset = mag & ((int64_t(1) << sh) - 1);
  } else {
    seg = mag << -sh;
  }
  const int in_frac = in.frac > 0 ? in.frac : 0;
  const int64_t y = seg >= r.segments ? (int64_t(1) << kCoeffFrac) << in_frac
                                      : (r.value[size_t(seg)] << in_frac) + r.slope[size_t(seg)] * offset;
  int64_t v = rshift_round(y, kCoeffFrac + in_frac - out.frac);
  if (negative) v = f == ActFn::sigmoid ? (int64_t(1) << out.frac) - v : -v;
  return clamp_bits(v, out.bits);
}

}  // namespace shiftsim::models
