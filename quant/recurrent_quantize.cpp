// Calibration and per-tensor formats of sequence networks.
#include "quant/recurrent_quantize.h"

#include <algorithm>
#include <cmath>

#include "common/input_error.h"
#include "quant/float_exec.h"
#include "quant/float_model.h"
#include "quant/int_arith.h"
#include "quant/ptq.h"
#include "quant/recurrent_pow2.h"

namespace shiftsim::quant {

namespace {

int frac_for(double range, int bits, int lo = -16) {
  return std::clamp(range_frac(range, bits), lo, 30);
}

double max_abs_of(const float* v, size_t n) {
  double m = 0;
  for (size_t i = 0; i < n; ++i) m = std::max(m, std::fabs(double(v[i])));
  return m;
}

QTensor quantize_tensor(const float* v, size_t n, FixedFormat fmt) {
  QTensor t{fmt, std::vector<int32_t>(n)};
  for (size_t i = 0; i < n; ++i)
    t.v[i] = int32_t(round_to_bits(std::ldexp(double(v[i]), fmt.frac), fmt.bits));
  return t;
}

// A tensor in a format sized to its own largest magnitude.
QTensor own_format(const float* v, size_t n, int bits) {
  return quantize_tensor(v, n, {bits, frac_for(max_abs_of(v, n), bits)});
}

// A weight matrix: fixed point in its own format, or power of two with `bits` code bits.
QTensor matrix(const std::string& at, const char* what, const float* v, size_t n, int bits, bool pow2) {
  if (!pow2) return own_format(v, n, bits);
  if (bits < 2 || bits > 5)
    throw InputError("recurrent quantization: layer " + at + ": " + what + " power-of-two code width " +
                     std::to_string(bits) + " is outside 2..5");
  return pow2_tensor(v, n, bits);
}

void check_bits(const std::string& at, const char* what, int bits) {
  if (bits < 2 || bits > 16)
    throw InputError("recurrent quantization: layer " + at + ": " + what + " width " +
                     std::to_string(bits) + " is outside 2..16");
}

RecurrentQLayer quantize_rnn(const Layer& l, const FloatLayerParams& p, const RecurrentRanges& r,
                             const RecurrentTensorBits& b, bool pow2) {
  const size_t G = size_t(gate_count(l.type)), H = size_t(l.rnn.hidden_size),
               I = size_t(l.rnn.input_size);
  const bool lstm = l.type == LayerType::lstm;
  for (auto [what, bits] : {std::pair{"weights", b.weights}, {"recurrent", b.recurrent},
                            {"peepholes", b.peepholes}, {"bias", b.bias}, {"out", b.out},
                            {"cell", b.cell}, {"sigmoid_out", b.sigmoid_out},
                            {"tanh_out", b.tanh_out}, {"reset_product", b.reset_product}})
    check_bits(l.name, what, bits);
  if (!b.gates.empty() && b.gates.size() != G)
    throw InputError("recurrent quantization: layer " + l.name + ": " + std::to_string(b.gates.size()) +
                     " gate widths for " + std::to_string(G) + " gates");
  RecurrentQLayer q;
  const float* w = p.weights.data();
  q.weights = matrix(l.name, "W", w, G * H * I, b.weights, pow2);
  q.recurrent = matrix(l.name, "R", w + G * H * I, G * H * H, b.recurrent, pow2);
  if (l.rnn.peepholes) q.peepholes = own_format(w + G * H * (I + H), 3 * H, b.peepholes);
  q.bias = own_format(p.bias.data(), 2 * G * H, b.bias);
  const float* h0 = l.rnn.initial_state ? p.bias.data() + 2 * G * H : nullptr;
  q.out = {b.out, frac_for(std::max(r.hidden, h0 ? max_abs_of(h0, H) : 0.0), b.out)};
  q.cell = {b.cell, frac_for(std::max(r.cell, h0 && lstm ? max_abs_of(h0 + H, H) : 0.0), b.cell, -8)};
  if (h0) q.h0 = quantize_tensor(h0, H, q.out);
  if (h0 && lstm) q.c0 = quantize_tensor(h0 + H, H, q.cell);
  for (size_t g = 0; g < G; ++g) {
    const int bits = b.gates.empty() ? 16 : b.gates[g];
    check_bits(l.name, "gate", bits);
    // The candidate gate (lstm c, gru h) goes through tanh, the others through sigmoid.
    const double cap = g + 1 == G ? 8.0 : 16.0;
    q.gates.push_back({bits, frac_for(std::min(r.gates.size() > g ? r.gates[g] : 0.0, cap), bits, -8)});
  }
  q.sigmoid_out = {b.sigmoid_out, b.sigmoid_out - 2};
  q.tanh_out = {b.tanh_out, b.tanh_out - 2};
  if (l.rnn.linear_before_reset) q.reset_product = {b.reset_product, frac_for(r.extra, b.reset_product)};
  return q;
}

}  // namespace

RecurrentCalibration calibrate_recurrent(const FloatNetwork& f,
                                         const std::vector<Tensor<float>>& calib) {
  check_float_network(f, "recurrent calibration");
  if (calib.empty()) throw InputError("recurrent calibration: the calibration set is empty");
  const Network& net = f.net;
  RecurrentCalibration cal;
  cal.outputs.assign(net.layers.size(), 0.0);
  cal.recurrent.resize(net.layers.size());
  for (size_t k = 0; k < calib.size(); ++k) {
    const Tensor<float>& x = calib[k];
    if (x.shape != net.input)
      throw InputError("recurrent calibration: input " + std::to_string(k) + " is " +
                       x.shape.str() + ", network " + net.name + " expects " + net.input.str());
    cal.input = std::max(cal.input, max_abs_of(x.data.data(), x.data.size()));
    std::vector<Tensor<float>> outs;
    for (size_t i = 0; i < net.layers.size(); ++i) {
      const Layer& l = net.layers[i];
      const int src = l.inputs[0];
      const Tensor<float>& in = src == kNetworkInput ? x : outs[size_t(src)];
      if (is_recurrent(l.type)) outs.push_back(run_float_recurrent(l, f.params[i], in, &cal.recurrent[i]));
      else outs.push_back(run_float_layer(l, f.params[i], {&in}));
      cal.outputs[i] = std::max(cal.outputs[i], max_abs_of(outs.back().data.data(), outs.back().data.size()));
    }
  }
  return cal;
}

RecurrentQuantizedNetwork quantize_recurrent(const FloatNetwork& f,
                                             const RecurrentCalibration& cal,
                                             const RecurrentQuantOptions& o) {
  const Network& net = f.net;
  if (!o.layers.empty() && o.layers.size() != net.layers.size())
    throw InputError("recurrent quantization: widths for " + std::to_string(o.layers.size()) +
                     " layers, network has " + std::to_string(net.layers.size()));
  if (cal.outputs.size() != net.layers.size())
    throw InputError("recurrent quantization: calibration is of another network");
  RecurrentQuantizedNetwork qn;
  qn.net = net;
  qn.acc_bits = o.acc_bits;
  const bool ids = !net.layers.empty() && net.layers[0].type == LayerType::embedding;
  if (!ids) check_bits("(input)", "input", o.input_bits);
  qn.input = ids ? FixedFormat{32, 0} : FixedFormat{o.input_bits, frac_for(cal.input, o.input_bits)};
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    const FloatLayerParams& p = f.params[i];
    const RecurrentTensorBits b = o.layers.empty() ? RecurrentTensorBits{} : o.layers[i];
    RecurrentQLayer q;
    if (is_recurrent(l.type)) {
      q = quantize_rnn(l, p, cal.recurrent[i], b, o.pow2_matrices);
    } else if (l.type == LayerType::embedding) {
      check_bits(l.name, "weights", b.weights);
      q.weights = own_format(p.weights.data(), p.weights.size(), b.weights);
      q.out = q.weights.fmt;
    } else if (l.type == LayerType::fc) {
      for (auto [what, bits] : {std::pair{"weights", b.weights}, {"bias", b.bias}, {"out", b.out}})
        check_bits(l.name, what, bits);
      q.weights = matrix(l.name, "weights", p.weights.data(), p.weights.size(), b.weights, o.pow2_matrices);
      q.bias = own_format(p.bias.data(), p.bias.size(), b.bias);
      q.out = {b.out, frac_for(cal.outputs[i], b.out)};
    }
    qn.layers.push_back(std::move(q));
  }
  check_recurrent_network(qn, "recurrent quantization");
  return qn;
}

}  // namespace shiftsim::quant
