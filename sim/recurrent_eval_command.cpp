#include "sim/recurrent_eval_command.h"

#include <chrono>
#include <cstdio>

#include "common/input_error.h"
#include "quant/recurrent_model_file.h"
#include "sim/quantize_command.h"

namespace shiftsim::sim {

int recurrent_eval_command(const RecurrentEvalRequest& req) {
  if (req.model_path.empty() == req.float_path.empty())
    throw InputError("eval: give exactly one of --model MODEL and --float CKPT");
  if (req.split != "test" && req.split != "valid")
    throw InputError("--split " + req.split + ": test or valid");
  const quant::SequenceSplit split = req.split == "test" ? quant::SequenceSplit::test : quant::SequenceSplit::valid;
  const auto t0 = std::chrono::steady_clock::now();
  quant::SequenceScore s;
  std::string what;
  quant::RecurrentQuantizedNetwork qn;
  const bool quantized = !req.model_path.empty();
  if (quantized) {
    qn = quant::load_recurrent_network(req.model_path);
    s = quant::score_quantized(qn, quant::sequence_task(qn.net, split, req.limit, req.data), req.threads);
    what = req.model_path + " (" + qn.net.name + ", golden executor)";
  } else {
    const quant::FloatNetwork f = sim::load_float_model(req.float_path);
    s = quant::score_float(f, quant::sequence_task(f.net, split, req.limit, req.data), req.threads);
    what = req.float_path + " (" + f.net.name + ", float)";
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (s.kind == quant::SequenceKind::classify)
    std::printf("%s: accuracy %.2f%% on %zu Fashion-MNIST %s images read row by row, %.1f s\n",
                what.c_str(), 100 * s.accuracy, s.samples, req.split == "test" ? "test" : "held-out training",
                secs);
  else
    std::printf("%s: perplexity %.2f on %zu %s tokens of the fortunes corpus, %.1f s\n", what.c_str(),
                s.perplexity, s.samples, req.split.c_str(), secs);
  if (quantized) {
    const quant::RecurrentFootprint fp = quant::recurrent_footprint(qn);
    std::printf("parameters: %.1f KiB quantized vs %.1f KiB float32 (reduction %.1f%%)\n",
                double(fp.quantized_bits) / 8192.0, double(fp.float_bits) / 8192.0, 100.0 * fp.reduction());
  }
  return 0;
}

}  // namespace shiftsim::sim
