#include "sim/recurrent_quantize_command.h"

#include <chrono>
#include <cstdio>
#include <iostream>

#include "common/input_error.h"
#include "quant/recurrent_model_file.h"
#include "quant/recurrent_search.h"
#include "sim/quantize_command.h"

namespace shiftsim::sim {

namespace {

using quant::FixedFormat;

std::string q_of(FixedFormat f) {
  return "Q" + std::to_string(f.bits - f.frac) + "." + std::to_string(f.frac);
}

std::string tensor_text(const quant::QTensor& t) {
  if (t.v.empty()) return "-";
  if (t.kind == quant::WeightKind::pow2)
    return "pow2/" + std::to_string(t.code_bits) + " 2^" + std::to_string(-t.fmt.frac) + "..";
  return std::to_string(t.fmt.bits) + "b " + q_of(t.fmt);
}

void print_summary(const quant::RecurrentQuantizedNetwork& qn) {
  std::printf("input %s\n", qn.input.frac == 0 && qn.input.bits == 32 ? "token ids" : q_of(qn.input).c_str());
  for (size_t i = 0; i < qn.layers.size(); ++i) {
    const quant::Layer& l = qn.net.layers[i];
    const quant::RecurrentQLayer& q = qn.layers[i];
    std::printf("%-10s %-9s", l.name.c_str(), quant::to_string(l.type));
    if (l.type == quant::LayerType::embedding) {
      std::printf(" table %s\n", tensor_text(q.weights).c_str());
      continue;
    }
    if (l.type == quant::LayerType::fc) {
      std::printf(" weights %s, bias %s, out %db %s\n", tensor_text(q.weights).c_str(),
                  tensor_text(q.bias).c_str(), q.out.bits, q_of(q.out).c_str());
      continue;
    }
    std::printf(" W %s, R %s, bias %s, hidden %db %s", tensor_text(q.weights).c_str(),
                tensor_text(q.recurrent).c_str(), tensor_text(q.bias).c_str(), q.out.bits,
                q_of(q.out).c_str());
    if (l.type == quant::LayerType::lstm) std::printf(", cell %db %s", q.cell.bits, q_of(q.cell).c_str());
    std::printf(", gates");
    for (const FixedFormat& g : q.gates) std::printf(" %db %s", g.bits, q_of(g).c_str());
    std::printf(", sigmoid %db, tanh %db\n", q.sigmoid_out.bits, q.tanh_out.bits);
  }
  const quant::RecurrentFootprint fp = quant::recurrent_footprint(qn);
  std::printf("parameters: %.1f KiB quantized vs %.1f KiB float32 (reduction %.1f%%)\n",
              double(fp.quantized_bits) / 8192.0, double(fp.float_bits) / 8192.0, 100.0 * fp.reduction());
}

// The same widths everywhere: matrices `matrix`, other parameters `param`, activations `act`.
quant::RecurrentQuantOptions uniform(const quant::Network& net, int matrix, int param, int act, bool pow2) {
  quant::RecurrentQuantOptions o;
  o.pow2_matrices = pow2;
  o.input_bits = act;
  for (const quant::Layer& l : net.layers) {
    quant::RecurrentTensorBits b;
    const bool has_matrix = l.type == quant::LayerType::fc || quant::is_recurrent(l.type);
    b.weights = has_matrix ? matrix : param;
    b.recurrent = matrix;
    b.peepholes = b.bias = param;
    b.out = b.cell = b.sigmoid_out = b.tanh_out = b.reset_product = act;
    b.gates.assign(size_t(quant::gate_count(l.type)), act);
    o.layers.push_back(b);
  }
  return o;
}

}  // namespace

bool is_sequence_float_model(const std::string& path) {
  const quant::Network net = sim::load_float_model(path).net;
  for (const quant::Layer& l : net.layers)
    if (quant::is_recurrent(l.type) || l.type == quant::LayerType::embedding) return true;
  return false;
}

int recurrent_quantize_command(const RecurrentQuantizeRequest& req) {
  if (req.out_path.empty()) throw InputError("--out: where to write the quantized model is required");
  if (req.method != "fixed" && req.method != "nbq")
    throw InputError("--method " + req.method + ": a sequence network takes fixed (fixed point) or "
                     "nbq (power-of-two weight matrices)");
  if (req.calib == 0) throw InputError("--calib-images: must be >= 1");
  const bool pow2 = req.method == "nbq";
  const bool search = req.search_tolerance >= 0;
  if (search && (req.bits || req.act_bits))
    throw InputError("--bits/--act-bits: not with --search-tolerance, which chooses every width");
  const int matrix = req.bits ? req.bits : pow2 ? 5 : 16;
  if (pow2 && (matrix < 2 || matrix > 5))
    throw InputError("--bits " + std::to_string(matrix) + ": power-of-two codes are 2..5 bits");
  if (!pow2 && (matrix < 2 || matrix > 16))
    throw InputError("--bits " + std::to_string(matrix) + ": fixed-point widths are 2..16");
  const int act = req.act_bits ? req.act_bits : 16;
  if (act < 2 || act > 16) throw InputError("--act-bits " + std::to_string(act) + ": widths are 2..16");
  // Biases, tables and initial states are fixed point: with power-of-two matrices they take 8 bits.
  const int param = pow2 ? 8 : matrix;

  const auto t0 = std::chrono::steady_clock::now();
  const quant::FloatNetwork f = sim::load_float_model(req.float_path);
  const quant::SequenceTask calib = quant::sequence_task(f.net, quant::SequenceSplit::train, req.calib, req.data);
  const quant::RecurrentCalibration cal = quant::calibrate_recurrent(f, calib.inputs);
  const bool lm = calib.kind == quant::SequenceKind::language;
  quant::RecurrentQuantizedNetwork qn;
  std::cout << "quantize: " << f.net.name << " (" << (lm ? "language model" : "row classifier")
            << "), " << (pow2 ? "power-of-two" : "fixed-point") << " matrices, " << calib.inputs.size()
            << " calibration samples\n";
  if (search) {
    if (req.search_samples == 0) throw InputError("--search-images: must be >= 1");
    if (req.search_tolerance > 100)
      throw InputError("--search-tolerance " + std::to_string(req.search_tolerance) + ": 0..100 " +
                       (lm ? "(percent of perplexity)" : "(accuracy points)"));
    const quant::SequenceTask valid =
        quant::sequence_task(f.net, quant::SequenceSplit::valid, req.search_samples, req.data);
    const quant::SequenceScore fs = quant::score_float(f, valid, req.threads);
    quant::RecurrentSearchOptions s;
    s.tolerance = req.search_tolerance / 100.0;
    s.pow2_matrices = pow2;
    const quant::RecurrentSearchResult r =
        quant::search_recurrent_widths(f, cal, quant::task_loss(fs, valid, req.threads), s);
    if (lm)
      std::printf("width search: float perplexity %.2f, chosen %.2f (+%.2f%%) on %zu valid tokens",
                  fs.perplexity, fs.perplexity * (1 + r.loss), 100 * r.loss, fs.samples);
    else
      std::printf("width search: float accuracy %.2f%%, chosen %.2f%% on %zu valid images",
                  100 * fs.accuracy, 100 * (fs.accuracy - r.loss), fs.samples);
    std::printf(" (tolerance %.2f%s: %s), %d evaluations\n", req.search_tolerance, lm ? "%" : " points",
                r.met ? "met" : "NOT met even at the widest formats", r.evaluations);
    std::printf("widths in the order decided:");
    for (const std::string& k : r.order) std::printf(" %s", k.c_str());
    std::printf("\n");
    qn = r.qn;
  } else {
    qn = quant::quantize_recurrent(f, cal, uniform(f.net, matrix, param, act, pow2));
  }
  print_summary(qn);
  quant::save_recurrent_network(req.out_path, qn);
  std::printf("wrote %s (%.1f s)\n", req.out_path.c_str(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return 0;
}

}  // namespace shiftsim::sim
