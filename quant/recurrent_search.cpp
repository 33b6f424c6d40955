// The greedy per-tensor width search.
#include "quant/recurrent_search.h"

#include <algorithm>
#include <cmath>

#include "common/input_error.h"
#include "quant/float_exec.h"
#include "quant/recurrent_golden.h"
#include "quant/weights_gen.h"

namespace shiftsim::quant {

namespace {

// One searchable width: where it lives in the options, its name, and how many stored values it
// has (0 for activation tensors, which are searched after the parameters).
struct Knob {
  int* bits;
  std::string name;
  int64_t values;
};

// The widest a power-of-two code may be (pow2.h).
constexpr int kMaxPow2Code = 5;

std::vector<Knob> knobs(const Network& net, RecurrentQuantOptions& o) {
  std::vector<Knob> params, acts;
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    RecurrentTensorBits& b = o.layers[i];
    const std::string n = l.name + ".";
    if (l.type == LayerType::embedding) params.push_back({&b.weights, n + "table", weight_count(l)});
    if (l.type == LayerType::fc) {
      params.push_back({&b.weights, n + "weights", weight_count(l)});
      params.push_back({&b.bias, n + "bias", bias_count(l)});
      acts.push_back({&b.out, n + "out", 0});
    }
    if (!is_recurrent(l.type)) continue;
    const int64_t G = gate_count(l.type), H = l.rnn.hidden_size;
    params.push_back({&b.weights, n + "W", G * H * l.rnn.input_size});
    params.push_back({&b.recurrent, n + "R", G * H * H});
    if (l.rnn.peepholes) params.push_back({&b.peepholes, n + "P", 3 * H});
    params.push_back({&b.bias, n + "bias", bias_count(l)});
    acts.push_back({&b.out, n + "hidden", 0});
    if (l.type == LayerType::lstm) acts.push_back({&b.cell, n + "cell", 0});
    for (int g = 0; g < G; ++g) acts.push_back({&b.gates[size_t(g)], n + "gates[" + std::to_string(g) + "]", 0});
    acts.push_back({&b.sigmoid_out, n + "sigmoid_out", 0});
    acts.push_back({&b.tanh_out, n + "tanh_out", 0});
    if (l.rnn.linear_before_reset) acts.push_back({&b.reset_product, n + "reset_product", 0});
  }
  std::stable_sort(params.begin(), params.end(),
                   [](const Knob& a, const Knob& b) { return a.values > b.values; });
  params.insert(params.end(), acts.begin(), acts.end());
  return params;
}

}  // namespace

RecurrentSearchResult search_recurrent_widths(const FloatNetwork& f,
                                              const RecurrentCalibration& cal,
                                              const RecurrentLoss& loss,
                                              const RecurrentSearchOptions& s) {
  if (s.min_bits < 2 || s.max_bits > 16 || s.min_bits > s.max_bits)
    throw InputError("recurrent width search: widths " + std::to_string(s.min_bits) + ".." +
                     std::to_string(s.max_bits) + " are not within 2..16");
  if (!(s.tolerance >= 0)) throw InputError("recurrent width search: tolerance must be >= 0");
  RecurrentSearchResult r;
  RecurrentQuantOptions& o = r.widths;
  o.input_bits = s.input_bits;
  o.acc_bits = s.acc_bits;
  o.pow2_matrices = s.pow2_matrices;
  const int matrix_bits = s.pow2_matrices ? std::min(s.max_bits, kMaxPow2Code) : s.max_bits;
  for (const Layer& l : f.net.layers) {
    RecurrentTensorBits b;
    b.weights = b.recurrent = b.peepholes = b.bias = b.out = b.cell = b.sigmoid_out = b.tanh_out =
        b.reset_product = s.max_bits;
    b.gates.assign(size_t(gate_count(l.type)), s.max_bits);
    if (l.type == LayerType::fc || is_recurrent(l.type)) b.weights = b.recurrent = matrix_bits;
    o.layers.push_back(b);
  }
  auto measure = [&](double& value) {
    RecurrentQuantizedNetwork qn = quantize_recurrent(f, cal, o);
    value = loss(qn);
    ++r.evaluations;
    return value <= s.tolerance;
  };
  r.met = measure(r.loss);
  if (r.met) {
    for (const Knob& k : knobs(f.net, o)) {
      // Smallest passing width in [min_bits, current]; `current` is known to pass.
      int lo = s.min_bits, hi = *k.bits;
      double best = r.loss;
      while (lo < hi) {
        const int mid = (lo + hi) / 2;
        *k.bits = mid;
        double v = 0;
        if (measure(v)) hi = mid, best = v;
        else lo = mid + 1;
      }
      *k.bits = hi;
      r.loss = best;
      r.order.push_back(k.name + "=" + std::to_string(hi));
    }
  }
  r.qn = quantize_recurrent(f, cal, o);
  r.footprint = recurrent_footprint(r.qn);
  return r;
}

RecurrentLoss output_error_loss(const FloatNetwork& f, const std::vector<Tensor<float>>& inputs) {
  std::vector<std::vector<float>> want;
  for (const Tensor<float>& x : inputs) want.push_back(run_float(f, x).back().data);
  return [inputs, want](const RecurrentQuantizedNetwork& qn) {
    double e = 0;
    for (size_t k = 0; k < inputs.size(); ++k) {
      const RecurrentGoldenRun run = run_recurrent_golden(qn, quantize_sequence_input(inputs[k], qn.input));
      const std::vector<float> got = dequantize(run.outputs.back(), qn.layers.back().out);
      for (size_t i = 0; i < got.size(); ++i) e = std::max(e, std::fabs(double(got[i]) - want[k][i]));
    }
    return e;
  };
}

}  // namespace shiftsim::quant
