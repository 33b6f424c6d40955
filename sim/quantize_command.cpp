#include "sim/quantize_command.h"

#include <chrono>
#include <cstdio>
#include <iostream>

#include "common/input_error.h"
#include "models/pe_array/array_kind.h"
#include "quant/eval.h"
#include "quant/float_model.h"
#include "quant/model_file.h"
#include "quant/onnx_import.h"
#include "quant/ptq.h"
#include "sim/arch_config.h"

namespace shiftsim::sim {

namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

quant::PtqOptions options_for(const QuantizeRequest& req, const models::ArchSpec& a) {
  quant::PtqOptions o;
  o.method = quant::parse_weight_method(req.method);
  const models::ArrayKindModel& kind = models::array_kind_model(a);
  const bool pow2 = kind.weight_code() == models::WeightCode::pow2_sign_magnitude;
  if (pow2 == (o.method == quant::WeightMethod::fixed))
    throw InputError("--method " + req.method + ": " + req.arch_path + " has a " + kind.name() +
                     (pow2 ? " array, which runs power-of-two weights (nbq or gsnq)"
                           : " array, which runs fixed-point weights (fixed)"));
  const int arch_bits = int(a.numerics.weight_bits);
  o.weight_bits = req.bits == 0 ? arch_bits : req.bits;
  if (o.weight_bits > arch_bits)
    throw InputError("--bits " + std::to_string(o.weight_bits) + ": " + req.arch_path +
                     " holds " + std::to_string(arch_bits) + "-bit weights");
  if (req.thresholds == "authors") o.thresholds = quant::NbqThresholds::authors;
  else if (req.thresholds == "moments") o.thresholds = quant::NbqThresholds::moments;
  else throw InputError("--thresholds: expected authors or moments, found \"" + req.thresholds + "\"");
  o.act_bits = int(a.numerics.act_bits);
  o.acc_bits = int(a.numerics.acc_bits);
  o.overflow = a.numerics.overflow == models::OverflowPolicy::wrap ? quant::Overflow::wrap
                                                                    : quant::Overflow::saturate;
  o.first_last_fixed_bits = req.first_last_bits;
  o.gsnq_max_offset = int(a.numerics.sign_offset_max);  // GSNQ's windows as far as the code holds them
  return o;
}

// Fashion-MNIST training images when the network takes them, else generated inputs in [-1, 1].
std::vector<quant::Tensor<float>> calibration_set(const QuantizeRequest& req,
                                                  const quant::Network& net) {
  if (req.calib_images == 0) throw InputError("--calib-images must be >= 1");
  if (net.input.c == 1 && net.input.h == 28 && net.input.w == 28)
    return quant::calibration_inputs(quant::load_fashion_mnist("train", req.calib_images, req.data_dir),
                                     req.calib_images);
  std::cout << "calibration: " << net.name << " takes " << net.input.str()
            << ", not Fashion-MNIST images: using " << req.calib_images
            << " generated inputs U(-1, 1)\n";
  std::vector<quant::Tensor<float>> out;
  for (size_t i = 0; i < req.calib_images; ++i) out.push_back(quant::generate_input(net.input, i + 1));
  return out;
}

void print_summary(const quant::QuantizedNetwork& qn) {
  std::printf("%-12s %-8s %-14s %s\n", "layer", "type", "weights", "output format");
  std::printf("%-12s %-8s %-14s Q%d.%d\n", "input", "", "", qn.input.bits - qn.input.frac, qn.input.frac);
  for (size_t i = 0; i < qn.layers.size(); ++i) {
    const quant::Layer& l = qn.net.layers[i];
    const quant::QLayer& q = qn.layers[i];
    char w[64] = "";
    if (l.type == quant::LayerType::conv || l.type == quant::LayerType::fc)
      std::snprintf(w, sizeof w, "%s%d 2^%d%s", q.weight_kind == quant::WeightKind::pow2 ? "pow2/" : "fixed/",
                    q.weight_bits, -q.w_frac,
                    // GSNQ's sign windows: the sign whose codes start higher, and by how much
                    q.offset_pos > 0 ? (" +" + std::to_string(q.offset_pos)).c_str()
                    : q.offset_neg > 0 ? (" -" + std::to_string(q.offset_neg)).c_str() : "");
    std::printf("%-12s %-8s %-14s Q%d.%d\n", l.name.c_str(), quant::to_string(l.type), w,
                q.out.bits - q.out.frac, q.out.frac);
  }
  const quant::Footprint fp = quant::memory_footprint(qn);
  std::printf("parameters: %.1f KiB quantized vs %.1f KiB float32 (%.1f%%)\n",
              double(fp.quantized_bits) / 8192.0, double(fp.float_bits) / 8192.0, 100.0 * fp.ratio());
}

// The last `n` training images: calibration takes the first ones, so the search measures
// accuracy on images it neither calibrates on nor reports (the test set stays for eval).
quant::ImageSet held_out_training_images(const QuantizeRequest& req) {
  const quant::ImageSet all = quant::load_fashion_mnist("train", 0, req.data_dir);
  if (req.search_images == 0 || req.search_images + req.calib_images > all.count())
    throw InputError("--search-images " + std::to_string(req.search_images) + ": give 1.." +
                     std::to_string(all.count() - req.calib_images) +
                     " (the training images after the calibration ones)");
  quant::ImageSet s;
  s.rows = all.rows;
  s.cols = all.cols;
  const size_t first = all.count() - req.search_images, px = size_t(all.rows) * all.cols;
  s.pixels.assign(all.pixels.begin() + std::ptrdiff_t(first * px), all.pixels.end());
  s.labels.assign(all.labels.begin() + std::ptrdiff_t(first), all.labels.end());
  return s;
}

// --search-tolerance: the smallest bit width per tensor within the tolerance (quant/ptq.h).
quant::QuantizedNetwork searched(const QuantizeRequest& req, const quant::FloatNetwork& f,
                                 const quant::PtqOptions& opts,
                                 const std::vector<quant::Tensor<float>>& calib) {
  if (req.search_tolerance > 100)
    throw InputError("--search-tolerance " + std::to_string(req.search_tolerance) +
                     ": accuracy points, 0..100");
  quant::BitSearchOptions s;
  s.tolerance = req.search_tolerance / 100.0;
  const quant::ImageSet held_out = held_out_training_images(req);
  quant::check_classifier(f.net, held_out);
  const quant::BitSearchResult r =
      quant::search_bit_widths(f, opts, calib, held_out, held_out.count(), s);
  std::printf("bit-width search: float %.2f%%, chosen %.2f%% on %zu held-out training images "
              "(tolerance %.2f points: %s), %d evaluations, activations %d-bit\n",
              100.0 * r.float_accuracy, 100.0 * r.accuracy, held_out.count(),
              req.search_tolerance, r.met ? "met" : "NOT met even at the widest formats",
              r.evaluations, r.act_bits);
  return r.qn;
}

}  // namespace

quant::FloatNetwork load_float_model(const std::string& path, bool fold_batch_norm) {
  // By extension: a float checkpoint has its own magic and a clear error of its own, so a
  // mistyped extension still gets a message naming the file.
  if (ends_with(path, ".onnx") || ends_with(path, ".ONNX")) {
    quant::OnnxImportOptions o;
    o.fold_batch_norm = fold_batch_norm;
    return quant::import_onnx(path, o);
  }
  return quant::load_float_network(path);
}

int quantize_command(const QuantizeRequest& req) {
  if (req.out_path.empty()) throw InputError("--out: where to write the quantized model is required");
  const auto t0 = std::chrono::steady_clock::now();
  const ArchConfig cfg = load_arch(req.arch_path, req.sets);
  const quant::PtqOptions opts = options_for(req, cfg.arch);
  const quant::FloatNetwork f = load_float_model(req.float_path, req.fold_batch_norm);
  const std::vector<quant::Tensor<float>> calib = calibration_set(req, f.net);
  const quant::QuantizedNetwork qn = req.search_tolerance >= 0 ? searched(req, f, opts, calib)
                                                               : quant::quantize_ptq(f, opts, calib);
  std::cout << "quantize: " << f.net.name << " for " << cfg.arch.name << ", method "
            << req.method << (opts.method == quant::WeightMethod::nbq ? " (" + req.thresholds + " thresholds)" : "")
            << ", " << (req.search_tolerance >= 0 ? "searched weight and activation widths"
                                                   : std::to_string(opts.weight_bits) + "-bit weights, " +
                                                         std::to_string(opts.act_bits) + "-bit activations")
            << ", " << req.calib_images << " calibration inputs\n";
  print_summary(qn);
  if (opts.first_last_fixed_bits > 0 && opts.method != quant::WeightMethod::fixed)
    std::cout << "note: the first and last layers hold " << opts.first_last_fixed_bits
              << "-bit fixed-point weights, which the SVPE array cannot run: this model is for "
                 "accuracy tables (eval), not for run (docs/QUANTIZATION.md)\n";
  quant::save_quantized_network(req.out_path, qn);
  std::printf("wrote %s (%.2f s)\n", req.out_path.c_str(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return 0;
}

}  // namespace shiftsim::sim
