// Post-training quantization: options, float range calibration and the formats built from it.
// The bit-width search is in ptq_search.cpp.
#include "quant/ptq.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "common/input_error.h"
#include "quant/fixed_point.h"
#include "quant/float_exec.h"
#include "quant/float_model.h"
#include "quant/golden.h"
#include "quant/gsnq.h"
#include "quant/image_input.h"
#include "quant/pow2.h"
#include "quant/qnetwork_check.h"

namespace shiftsim::quant {

namespace {

bool has_weights(const Layer& l) { return l.type == LayerType::conv || l.type == LayerType::fc; }

// First and last conv/fc layer (-1 if none).
std::pair<int, int> first_last(const Network& net) {
  int first = -1, last = -1;
  for (size_t i = 0; i < net.layers.size(); ++i)
    if (has_weights(net.layers[i])) {
      if (first < 0) first = int(i);
      last = int(i);
    }
  return {first, last};
}

void check_range(const std::string& what, int v, int lo, int hi) {
  if (v < lo || v > hi)
    throw InputError("quantization: " + what + " must be in [" + std::to_string(lo) + ", " +
                     std::to_string(hi) + "], found " + std::to_string(v));
}

}  // namespace

std::pair<WeightKind, int> layer_weight_format(const Network& net, size_t i, const PtqOptions& o) {
  const auto [first, last] = first_last(net);
  const int over = o.layer_weight_bits.empty() ? 0 : o.layer_weight_bits[i];
  if (o.first_last_fixed_bits > 0 && (int(i) == first || int(i) == last))
    return {WeightKind::fixed, over > 0 ? over : o.first_last_fixed_bits};
  const WeightKind kind = o.method == WeightMethod::fixed ? WeightKind::fixed : WeightKind::pow2;
  return {kind, over > 0 ? over : o.weight_bits};
}

namespace {

void check_weight_bits(const std::string& what, WeightKind kind, int bits) {
  if (kind == WeightKind::pow2) check_range(what + " (power of two)", bits, kMinPow2Bits, kMaxPow2Bits);
  else check_range(what + " (fixed point)", bits, 2, 16);
}

int clamp_frac(int f) { return std::clamp(f, -kMaxWeightFracMagnitude, kMaxWeightFracMagnitude); }

}  // namespace

const char* to_string(WeightMethod m) {
  switch (m) {
    case WeightMethod::fixed: return "fixed";
    case WeightMethod::nbq: return "nbq";
    case WeightMethod::gsnq: return "gsnq";
  }
  return "?";
}

WeightMethod parse_weight_method(const std::string& s) {
  for (WeightMethod m : {WeightMethod::fixed, WeightMethod::nbq, WeightMethod::gsnq})
    if (s == to_string(m)) return m;
  throw InputError("--method: expected nbq, gsnq or fixed, found \"" + s + "\"");
}

void check_ptq_options(const PtqOptions& o, const Network& net) {
  refuse_sequence_layers(net, "quantization");
  check_range("act_bits", o.act_bits, 2, 16);
  check_range("acc_bits", o.acc_bits, 2, 62);
  check_weight_bits("weight bits", o.method == WeightMethod::fixed ? WeightKind::fixed : WeightKind::pow2,
                    o.weight_bits);
  if (o.first_last_fixed_bits != 0) check_range("first/last layer bits", o.first_last_fixed_bits, 2, 16);
  if (!o.layer_weight_bits.empty() && o.layer_weight_bits.size() != net.layers.size())
    throw InputError("quantization: per-layer weight bits for " +
                     std::to_string(o.layer_weight_bits.size()) + " layers, network has " +
                     std::to_string(net.layers.size()));
  for (size_t i = 0; i < net.layers.size(); ++i)
    if (has_weights(net.layers[i])) {
      const auto [kind, bits] = layer_weight_format(net, i, o);
      check_weight_bits("layer " + net.layers[i].name + " weight bits", kind, bits);
    }
}

int range_frac(double range, int bits) { return fixed_weight_frac(range, bits); }

QLayer quantize_layer_weights(const FloatNetwork& f, size_t i, const PtqOptions& o) {
  const Layer& l = f.net.layers.at(i);
  const std::vector<float>& w = f.params.at(i).weights;
  QLayer q;
  const auto [kind, bits] = layer_weight_format(f.net, i, o);
  q.weight_kind = kind;
  q.weight_bits = bits;
  try {
    if (kind == WeightKind::fixed) {
      QuantizedWeights r = quantize_fixed_weights(w, bits);
      q.weights = std::move(r.values);
      q.w_frac = r.frac;
    } else {
      Pow2Result r = o.method == WeightMethod::gsnq ? gsnq_quantize(w, bits, o.gsnq_max_offset)
                                                    : nbq_quantize(w, bits, o.thresholds);
      q.weights.assign(r.ints.begin(), r.ints.end());  // shifts <= kMaxPow2Shift: int16
      q.w_frac = r.frac;
      q.offset_pos = r.offset_pos;
      q.offset_neg = r.offset_neg;
    }
  } catch (const InputError& e) {
    throw InputError("layer " + l.name + ": " + e.what());
  }
  return q;
}

FloatNetwork with_quantized_weights(const FloatNetwork& f, const PtqOptions& o) {
  FloatNetwork g = f;
  for (size_t i = 0; i < f.net.layers.size(); ++i) {
    if (!has_weights(f.net.layers[i])) continue;
    const QLayer q = quantize_layer_weights(f, i, o);
    for (size_t k = 0; k < q.weights.size(); ++k)
      g.params[i].weights[k] = float(std::ldexp(double(q.weights[k]), -q.w_frac));
  }
  return g;
}

ActivationRanges measure_ranges(const FloatNetwork& f, const std::vector<Tensor<float>>& inputs) {
  const size_t n = f.net.layers.size();
  auto part = [&](size_t begin, size_t end, ActivationRanges& r) {
    r.layers.assign(n, 0.0);
    for (size_t k = begin; k < end; ++k) {
      for (float v : inputs[k].data) r.input = std::max(r.input, double(std::fabs(v)));
      const std::vector<Tensor<float>> outs = run_float(f, inputs[k]);
      for (size_t i = 0; i < n; ++i)
        for (float v : outs[i].data) r.layers[i] = std::max(r.layers[i], double(std::fabs(v)));
    }
  };
  ActivationRanges a, b;
  const size_t half = inputs.size() / 2;
  std::thread other;
  if (half > 0) other = std::thread([&] { part(0, half, b); });
  try {
    part(half, inputs.size(), a);
  } catch (...) {
    if (other.joinable()) other.join();
    throw;
  }
  if (other.joinable()) other.join();
  if (half > 0) {
    a.input = std::max(a.input, b.input);
    for (size_t i = 0; i < n; ++i) a.layers[i] = std::max(a.layers[i], b.layers[i]);
  }
  return a;
}

QuantizedNetwork quantize_ptq(const FloatNetwork& f, const PtqOptions& o,
                              const std::vector<Tensor<float>>& calib) {
  check_float_network(f, "quantization");
  check_ptq_options(o, f.net);
  if (calib.empty()) throw InputError("quantization: the calibration set is empty");
  for (const Tensor<float>& x : calib)
    if (x.shape != f.net.input)
      throw InputError("quantization: calibration input " + x.shape.str() + ", network " +
                       f.net.name + " expects " + f.net.input.str());
  QuantizedNetwork qn;
  qn.net = f.net;
  qn.act_bits = o.act_bits;
  qn.acc_bits = o.acc_bits;
  qn.overflow = o.overflow;
  qn.layers.resize(f.net.layers.size());
  FloatNetwork fq = f;
  for (size_t i = 0; i < f.net.layers.size(); ++i) {
    if (!has_weights(f.net.layers[i])) continue;
    qn.layers[i] = quantize_layer_weights(f, i, o);
    for (size_t k = 0; k < qn.layers[i].weights.size(); ++k)
      fq.params[i].weights[k] = float(std::ldexp(double(qn.layers[i].weights[k]), -qn.layers[i].w_frac));
  }
  const ActivationRanges ranges = measure_ranges(fq, calib);
  qn.input = {o.act_bits, clamp_frac(range_frac(ranges.input, o.act_bits))};
  for (size_t i = 0; i < f.net.layers.size(); ++i) {
    const Layer& l = f.net.layers[i];
    QLayer& q = qn.layers[i];
    const int fa = format_of(qn, l.inputs[0]).frac;
    const int want = clamp_frac(range_frac(ranges.layers[i], o.act_bits));
    int frac = fa;
    if (has_weights(l)) {
      frac = std::min(want, fa + q.w_frac);
      q.bias = quantize_bias(f.params[i].bias, fa + q.w_frac, o.acc_bits);
    } else if (l.type == LayerType::add) {
      frac = std::min(want, std::max(fa, format_of(qn, l.inputs[1]).frac));
    } else if (l.type == LayerType::concat) {
      frac = want;
      for (int k : l.inputs) frac = std::min(frac, format_of(qn, k).frac);
    }
    q.out = {o.act_bits, frac};
  }
  check_quantized_network(qn, "quantization of " + f.net.name);
  return qn;
}

std::vector<Tensor<float>> calibration_inputs(const ImageSet& set, size_t count) {
  std::vector<Tensor<float>> out;
  for (size_t i = 0; i < std::min(count, set.count()); ++i) out.push_back(image_to_input(set, i));
  return out;
}

Footprint memory_footprint(const QuantizedNetwork& qn) {
  Footprint fp;
  for (size_t i = 0; i < qn.layers.size(); ++i) {
    const QLayer& q = qn.layers[i];
    if (!has_weights(qn.net.layers[i])) continue;
    fp.float_bits += 32 * int64_t(q.weights.size() + q.bias.size());
    fp.quantized_bits += int64_t(q.weights.size()) * q.weight_bits + int64_t(q.bias.size()) * qn.acc_bits;
  }
  return fp;
}

}  // namespace shiftsim::quant
