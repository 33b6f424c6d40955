#include "quant/qnetwork_check.h"

#include <algorithm>
#include <cstdlib>

#include "common/input_error.h"
#include "quant/fixed_point.h"
#include "quant/golden.h"
#include "quant/int_arith.h"
#include "quant/pow2.h"
#include "quant/weights_gen.h"

namespace shiftsim::quant {

namespace {
constexpr int kMaxAlignShift = 46;  // golden_eltwise.cpp

struct Checker {
  const std::string& where;
  [[noreturn]] void fail(const std::string& at, const std::string& problem) const {
    throw InputError(where + ": " + at + ": " + problem);
  }
  void range(const std::string& at, int64_t v, int64_t lo, int64_t hi) const {
    if (v < lo || v > hi)
      fail(at, "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], found " +
                   std::to_string(v));
  }
};

// 0 or +-2^s with s in the sign's window [offset, offset + r - 1].
bool valid_pow2(int32_t w, int bits, int offset_pos, int offset_neg) {
  if (w == 0) return true;
  const int64_t m = std::llabs(int64_t(w));
  if ((m & (m - 1)) != 0) return false;
  int s = 0;
  while ((int64_t(1) << s) < m) ++s;
  const int offset = w < 0 ? offset_neg : offset_pos;
  return s >= offset && s <= offset + pow2_magnitudes(bits) - 1;
}

void check_params(const Checker& c, const std::string& at, const Layer& l, const QLayer& q,
                  int in_frac, int acc_bits) {
  const bool pow2 = q.weight_kind == WeightKind::pow2;
  c.range(at + ".weight_bits", q.weight_bits, pow2 ? kMinPow2Bits : 2, pow2 ? kMaxPow2Bits : 16);
  c.range(at + ".w_frac", q.w_frac, -kMaxWeightFracMagnitude, kMaxWeightFracMagnitude);
  // Offsets: power of two only, and the top shift within int16 weights (s <= 14).
  const int max_offset = pow2 ? kMaxPow2Shift - (pow2_magnitudes(q.weight_bits) - 1) : 0;
  c.range(at + ".offset_pos", q.offset_pos, 0, max_offset);
  c.range(at + ".offset_neg", q.offset_neg, 0, max_offset);
  // The lower window is the layer's scale: the SVPE holds one offset and the sign it belongs to.
  if (q.offset_pos > 0 && q.offset_neg > 0)
    c.fail(at + ".offset_neg", "both signs have an offset (" + std::to_string(q.offset_pos) + ", " +
                                   std::to_string(q.offset_neg) + "): the lower window is the layer's scale, its offset 0");
  if (int64_t(q.weights.size()) != weight_count(l))
    c.fail(at + ".weights", std::to_string(q.weights.size()) + " values, the layer has " +
                                std::to_string(weight_count(l)));
  if (int64_t(q.bias.size()) != l.out_channels)
    c.fail(at + ".bias", std::to_string(q.bias.size()) + " values, the layer has " +
                             std::to_string(l.out_channels) + " output channels");
  for (size_t i = 0; i < q.weights.size(); ++i) {
    const int32_t w = q.weights[i];
    const bool ok = pow2 ? valid_pow2(w, q.weight_bits, q.offset_pos, q.offset_neg)
                         : std::llabs(w) <= max_of_bits(q.weight_bits);
    if (!ok) {
      const int offset = w < 0 ? q.offset_neg : q.offset_pos;
      const std::string window =
          offset == 0 ? "s <= " + std::to_string(pow2_magnitudes(q.weight_bits) - 1)
                      : std::to_string(offset) + " <= s <= " +
                            std::to_string(offset + pow2_magnitudes(q.weight_bits) - 1);
      c.fail(at + ".weights[" + std::to_string(i) + "]",
             std::to_string(w) + " is not a " + std::to_string(q.weight_bits) + "-bit " +
                 (pow2 ? "power-of-two weight (0 or +-2^s, " + window + ")" : "fixed-point weight"));
    }
  }
  for (size_t i = 0; i < q.bias.size(); ++i)
    if (q.bias[i] != clamp_to_bits(q.bias[i], acc_bits))
      c.fail(at + ".bias[" + std::to_string(i) + "]",
             std::to_string(q.bias[i]) + " does not fit acc_bits = " + std::to_string(acc_bits));
  const int shift = in_frac + q.w_frac - q.out.frac;
  if (shift < 0)
    c.fail(at + ".out.frac", "requantization shift in.frac + w_frac - out.frac = " +
                                 std::to_string(in_frac) + " + " + std::to_string(q.w_frac) +
                                 " - " + std::to_string(q.out.frac) + " is negative");
}
}  // namespace

void check_quantized_network(const QuantizedNetwork& qn, const std::string& where) {
  const Checker c{where};
  refuse_sequence_layers(qn.net, where);
  c.range("act_bits", qn.act_bits, 2, 16);
  c.range("acc_bits", qn.acc_bits, 2, 62);
  c.range("input.bits", qn.input.bits, 2, qn.act_bits);
  c.range("input.frac", qn.input.frac, -kMaxFormatFrac, kMaxFormatFrac);
  if (qn.layers.size() != qn.net.layers.size())
    c.fail("layers", std::to_string(qn.layers.size()) + " records for " +
                         std::to_string(qn.net.layers.size()) + " network layers");
  for (size_t i = 0; i < qn.layers.size(); ++i) {
    const Layer& l = qn.net.layers[i];
    const QLayer& q = qn.layers[i];
    const std::string at = "layer " + l.name;
    for (int k : l.inputs)
      if (k >= int(i)) c.fail(at, "reads a later layer");
    if (q.out.bits != qn.act_bits)
      c.fail(at + ".out.bits", "must equal act_bits = " + std::to_string(qn.act_bits) +
                                   ", found " + std::to_string(q.out.bits));
    c.range(at + ".out.frac", q.out.frac, -kMaxFormatFrac, kMaxFormatFrac);
    const int fa = format_of(qn, l.inputs[0]).frac;
    switch (l.type) {
      case LayerType::conv:
      case LayerType::fc: check_params(c, at, l, q, fa, qn.acc_bits); continue;
      case LayerType::add: {
        const int fb = format_of(qn, l.inputs[1]).frac;
        if (std::abs(fa - fb) > kMaxAlignShift)
          c.fail(at, "input formats 2^-" + std::to_string(fa) + " and 2^-" + std::to_string(fb) +
                         " are too far apart to align");
        if (std::max(fa, fb) < q.out.frac)
          c.fail(at + ".out.frac", "finer than its inputs' aligned sum");
        break;
      }
      case LayerType::concat:
        for (int k : l.inputs)
          if (format_of(qn, k).frac < q.out.frac)
            c.fail(at + ".out.frac", "finer than an input's format");
        break;
      default:
        if (q.out.frac != fa)
          c.fail(at + ".out.frac", std::string(to_string(l.type)) + " must keep its input's frac " +
                                       std::to_string(fa) + ", found " + std::to_string(q.out.frac));
    }
    if (!q.weights.empty() || !q.bias.empty())
      c.fail(at, std::string(to_string(l.type)) + " layers have no weights or bias");
  }
}

}  // namespace shiftsim::quant
