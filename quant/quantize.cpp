#include "quant/quantize.h"

#include <algorithm>
#include <string>

#include "common/input_error.h"
#include "quant/fixed_point.h"
#include "quant/golden.h"
#include "quant/int_arith.h"
#include "quant/pow2.h"

namespace shiftsim::quant {

namespace {

void check_range(const std::string& what, int v, int lo, int hi) {
  if (v < lo || v > hi)
    throw InputError("quantization: " + what + " must be in [" + std::to_string(lo) + ", " +
                     std::to_string(hi) + "], got " + std::to_string(v));
}

void check_calibration_input(const Network& net, const Tensor<int16_t>& x, FixedFormat fmt) {
  check_range("input format bits", fmt.bits, 2, 16);
  if (x.shape != net.input)
    throw InputError("quantization: calibration input is " + x.shape.str() + ", network " +
                     net.name + " expects " + net.input.str());
  for (int16_t v : x.data)
    if (v != clamp_to_bits(v, fmt.bits))
      throw InputError("quantization: calibration input value " + std::to_string(v) +
                       " does not fit " + std::to_string(fmt.bits) + " bits");
}

// Weights and bias of one conv/fc layer; `in_frac` is the frac of the layer's input.
void quantize_parameters(const Layer& l, const FloatLayerParams& p, int in_frac,
                         const QuantOptions& o, QLayer& q) {
  const int64_t expected = weight_count(l);
  if (int64_t(p.weights.size()) != expected || int64_t(p.bias.size()) != l.out_channels)
    throw InputError("layer " + l.name + ": " + std::to_string(p.weights.size()) + " weights and " +
                     std::to_string(p.bias.size()) + " biases, expected " +
                     std::to_string(expected) + " and " + std::to_string(l.out_channels));
  try {
    QuantizedWeights w = o.weight_kind == WeightKind::pow2
                             ? quantize_pow2_weights(p.weights, o.weight_bits)
                             : quantize_fixed_weights(p.weights, o.weight_bits);
    q.weight_kind = o.weight_kind;
    q.weight_bits = o.weight_bits;
    q.w_frac = w.frac;
    q.weights = std::move(w.values);
    q.bias = quantize_bias(p.bias, in_frac + q.w_frac, o.acc_bits);
  } catch (const InputError& e) {
    throw InputError("layer " + l.name + ": " + e.what());
  }
}

// Shift that brings the calibration extremes of an exact sum into act_bits.
int calibrated_shift(const Tensor<int64_t>& sum, bool relu, int act_bits) {
  int64_t lo = 0, hi = 0;
  if (!sum.data.empty()) {
    auto [mn, mx] = std::minmax_element(sum.data.begin(), sum.data.end());
    lo = *mn, hi = *mx;
  }
  if (relu) lo = std::max<int64_t>(lo, 0), hi = std::max<int64_t>(hi, 0);
  return output_shift(lo, hi, act_bits);
}

}  // namespace

void check_options(const QuantOptions& o) {
  check_range("act_bits", o.act_bits, 2, 16);
  check_range("acc_bits", o.acc_bits, 2, 62);
  if (o.weight_kind == WeightKind::pow2)
    check_range("weight_bits (pow2)", o.weight_bits, kMinPow2Bits, kMaxPow2Bits);
  else
    check_range("weight_bits (fixed)", o.weight_bits, 2, 16);
}

int output_shift(int64_t lo, int64_t hi, int act_bits) {
  for (int s = 0; s < 64; ++s)
    if (rshift_round(hi, s) <= max_of_bits(act_bits) && rshift_round(lo, s) >= min_of_bits(act_bits))
      return s;
  return 64;  // unreachable: rshift_round(x, 63) is in {-1, 0, 1}
}

QuantizedNetwork quantize_network(const FloatNetwork& f, const QuantOptions& opts,
                                  const Tensor<int16_t>& calibration_input,
                                  FixedFormat input_format, GoldenRun* golden) {
  if (f.params.size() != f.net.layers.size())
    throw InputError("quantization: parameters for " + std::to_string(f.params.size()) +
                     " layers, network has " + std::to_string(f.net.layers.size()));
  return quantize_network(f.net, [&f](size_t i) -> const FloatLayerParams& { return f.params[i]; }, opts,
                          calibration_input, input_format, golden);
}

QuantizedNetwork quantize_network(const Network& net, const LayerParams& params_of, const QuantOptions& opts,
                                  const Tensor<int16_t>& calibration_input,
                                  FixedFormat input_format, GoldenRun* golden) {
  check_options(opts);
  refuse_sequence_layers(net, "quantization");
  check_calibration_input(net, calibration_input, input_format);
  QuantizedNetwork qn;
  qn.net = net;
  qn.input = input_format;
  qn.act_bits = opts.act_bits;
  qn.acc_bits = opts.acc_bits;
  qn.overflow = opts.overflow;
  qn.layers.resize(net.layers.size());

  // Calibration outputs of every layer, the inputs of later layers.
  std::vector<Tensor<int16_t>> outputs;
  outputs.reserve(net.layers.size());
  std::vector<uint64_t> layer_saturations(net.layers.size(), 0);
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    QLayer& q = qn.layers[i];
    std::vector<const Tensor<int16_t>*> inputs;
    for (int k : l.inputs) inputs.push_back(k == kNetworkInput ? &calibration_input : &outputs[size_t(k)]);
    const FixedFormat in = format_of(qn, l.inputs[0]);
    q.out = {opts.act_bits, in.frac};
    uint64_t& saturations = layer_saturations[i];
    if (l.type == LayerType::conv || l.type == LayerType::fc) {
      quantize_parameters(l, params_of(i), in.frac, opts, q);
      Tensor<int64_t> acc =
          conv_accumulate(*inputs[0], l, q, opts.acc_bits, opts.overflow, saturations);
      const int shift = calibrated_shift(acc, l.relu, opts.act_bits);
      q.out.frac = in.frac + q.w_frac - shift;
      outputs.push_back(requantize(acc, shift, l.relu, opts.act_bits));
      continue;
    }
    if (l.type == LayerType::add) {
      const int fb = format_of(qn, l.inputs[1]).frac;
      Tensor<int64_t> sum = add_aligned(*inputs[0], in.frac, *inputs[1], fb);
      const int shift = calibrated_shift(sum, l.relu, opts.act_bits);
      q.out.frac = std::max(in.frac, fb) - shift;
      outputs.push_back(requantize(sum, shift, l.relu, opts.act_bits));
      continue;
    }
    if (l.type == LayerType::concat)
      for (int k : l.inputs) q.out.frac = std::min(q.out.frac, format_of(qn, k).frac);
    outputs.push_back(run_layer(qn, int(i), inputs, saturations));
  }
  if (golden) {
    golden->outputs = std::move(outputs);
    golden->saturations = std::move(layer_saturations);
  }
  return qn;
}

}  // namespace shiftsim::quant
