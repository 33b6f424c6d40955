// Checks of a RecurrentQuantizedNetwork against the executor's limits, and its footprint.
#include "quant/recurrent_qnetwork.h"

#include <cstdlib>

#include "common/input_error.h"
#include "quant/int_arith.h"
#include "quant/recurrent_pow2.h"
#include "quant/weights_gen.h"

namespace shiftsim::quant {

namespace {

// Widths up to 16 keep every product below 2^32 and every dot product below 2^52; fracs in
// [-16, 30] keep every alignment shift of two products below 2^62.
constexpr int kMaxBits = 16, kMinFrac = -16, kMaxFrac = 30;

struct Check {
  std::string at;
  [[noreturn]] void fail(const std::string& what, const std::string& problem) const {
    throw InputError(at + ": " + what + ": " + problem);
  }
  void format(const std::string& what, FixedFormat f, int frac_lo = kMinFrac) const {
    if (f.bits < 2 || f.bits > kMaxBits)
      fail(what, "width " + std::to_string(f.bits) + " is outside 2..16");
    if (f.frac < frac_lo || f.frac > kMaxFrac)
      fail(what, "frac " + std::to_string(f.frac) + " is outside " + std::to_string(frac_lo) +
                     ".." + std::to_string(kMaxFrac));
  }
  // Only the matrices (`may_pow2`) may hold power-of-two weights.
  void tensor(const std::string& what, const QTensor& t, size_t n, bool may_pow2 = false) const {
    if (t.kind == WeightKind::pow2 && !may_pow2)
      fail(what, "power-of-two values are for the weight matrices only (W, R, fc weights)");
    if (t.v.size() != n)
      fail(what, std::to_string(t.v.size()) + " values, expected " + std::to_string(n));
    if (n == 0) return;
    format(what, t.fmt);
    if (t.kind == WeightKind::pow2) {
      const std::string p = pow2_tensor_problem(t);
      if (!p.empty()) fail(what, "power of two: " + p);
    }
    for (size_t i = 0; i < n; ++i)
      if (t.v[i] != clamp_to_bits(t.v[i], t.fmt.bits))
        fail(what, "value [" + std::to_string(i) + "] = " + std::to_string(t.v[i]) +
                       " does not fit " + std::to_string(t.fmt.bits) + " bits");
  }
};

void check_recurrent_layer(const Check& c, const Layer& l, const RecurrentQLayer& q) {
  const size_t G = size_t(gate_count(l.type)), H = size_t(l.rnn.hidden_size),
               I = size_t(l.rnn.input_size);
  const bool lstm = l.type == LayerType::lstm;
  c.tensor("W", q.weights, G * H * I, true);
  c.tensor("R", q.recurrent, G * H * H, true);
  c.tensor("P", q.peepholes, l.rnn.peepholes ? 3 * H : 0);
  c.tensor("bias", q.bias, 2 * G * H);
  c.tensor("h0", q.h0, q.h0.v.empty() ? 0 : H);
  c.tensor("c0", q.c0, q.c0.v.empty() || !lstm ? 0 : H);
  if (!q.h0.v.empty() && q.h0.fmt.frac != q.out.frac) c.fail("h0", "not in the hidden format");
  if (!q.c0.v.empty() && q.c0.fmt.frac != q.cell.frac) c.fail("c0", "not in the cell format");
  if (lstm) c.format("cell", q.cell, -8);
  if (q.gates.size() != G)
    c.fail("gates", std::to_string(q.gates.size()) + " formats for " + std::to_string(G) + " gates");
  for (size_t g = 0; g < G; ++g) c.format("gates[" + std::to_string(g) + "]", q.gates[g], -8);
  c.format("sigmoid_out", q.sigmoid_out, 0);
  c.format("tanh_out", q.tanh_out, 0);
  if (l.rnn.linear_before_reset) c.format("reset_product", q.reset_product);
  // The state update aligns a product with the state to one with tanh's output.
  const int state = lstm ? q.cell.frac : q.out.frac;
  if (std::abs(state - q.tanh_out.frac) > 30)
    c.fail("tanh_out", "frac " + std::to_string(q.tanh_out.frac) + " is more than 30 from the " +
                           (lstm ? "cell" : "hidden") + " state's " + std::to_string(state));
}

}  // namespace

void check_recurrent_network(const RecurrentQuantizedNetwork& qn, const std::string& where) {
  const Check top{where};
  const bool ids = !qn.net.layers.empty() && qn.net.layers[0].type == LayerType::embedding;
  if (ids && (qn.input.frac != 0 || qn.input.bits < 2 || qn.input.bits > 32))
    top.fail("input", "token ids are integers: frac 0 and 2..32 bits");
  if (!ids) top.format("input", qn.input);
  if (qn.acc_bits < 16 || qn.acc_bits > 60)
    top.fail("acc_bits", std::to_string(qn.acc_bits) + " is outside 16..60");
  if (qn.layers.size() != qn.net.layers.size())
    top.fail("layers", std::to_string(qn.layers.size()) + " records for " +
                           std::to_string(qn.net.layers.size()) + " network layers");
  for (size_t i = 0; i < qn.layers.size(); ++i) {
    const Layer& l = qn.net.layers[i];
    const RecurrentQLayer& q = qn.layers[i];
    const Check c{where + ": layer " + l.name};
    if (l.inputs.size() != 1 || l.inputs[0] >= int(i)) c.fail("inputs", "must read one earlier layer");
    c.format("out", q.out);
    switch (l.type) {
      case LayerType::embedding:
        c.tensor("table", q.weights, size_t(weight_count(l)));
        if (q.out.frac != q.weights.fmt.frac || q.out.bits != q.weights.fmt.bits)
          c.fail("out", "an embedding's output is its table's format");
        break;
      case LayerType::fc:
        c.tensor("weights", q.weights, size_t(weight_count(l)), true);
        c.tensor("bias", q.bias, size_t(l.out_channels));
        break;
      case LayerType::lstm:
      case LayerType::gru: check_recurrent_layer(c, l, q); break;
      default:
        c.fail("type", std::string(to_string(l.type)) + " is not taken by the sequence executor "
                       "(embedding, lstm, gru, fc)");
    }
  }
}

RecurrentFootprint recurrent_footprint(const RecurrentQuantizedNetwork& qn) {
  RecurrentFootprint f;
  for (const RecurrentQLayer& q : qn.layers)
    for (const QTensor* t : {&q.weights, &q.recurrent, &q.peepholes, &q.bias, &q.h0, &q.c0}) {
      f.float_bits += 32 * int64_t(t->v.size());
      f.quantized_bits += int64_t(t->stored_bits()) * int64_t(t->v.size());
    }
  return f;
}

}  // namespace shiftsim::quant
