#include "sim/eval_command.h"

#include <chrono>
#include <cstdio>

#include "common/input_error.h"
#include "quant/eval.h"
#include "quant/model_file.h"
#include "sim/quantize_command.h"

namespace shiftsim::sim {

int eval_command(const EvalRequest& req) {
  if (req.model_path.empty() == req.float_path.empty())
    throw InputError("eval: give exactly one of --model MODEL and --float CKPT");
  if (req.threads < 1) throw InputError("eval: threads must be >= 1");
  const quant::ImageSet test = quant::load_fashion_mnist("test", req.limit, req.data_dir);
  const auto t0 = std::chrono::steady_clock::now();
  quant::EvalResult r;
  std::string what;
  if (!req.model_path.empty()) {
    const quant::QuantizedNetwork qn = quant::load_quantized_network(req.model_path);
    r = quant::evaluate_quantized(qn, test, 0, req.threads);
    what = req.model_path + " (" + qn.net.name + ", golden executor)";
  } else {
    const quant::FloatNetwork f = load_float_model(req.float_path, req.fold_batch_norm);
    r = quant::evaluate_float(f, test, 0, req.threads);
    what = req.float_path + " (" + f.net.name + ", float)";
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%s: accuracy %.2f%% (%zu / %zu Fashion-MNIST test images), %.2f s\n", what.c_str(),
              100.0 * r.accuracy(), r.correct, r.total, s);
  return 0;
}

}  // namespace shiftsim::sim
