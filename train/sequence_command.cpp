#include "train/sequence_command.h"

#include <fstream>
#include <iomanip>
#include <iostream>

#include <nlohmann/json.hpp>

#include "common/input_error.h"
#include "train/weight_quantizer.h"

namespace shiftsim::train {

namespace {

std::string metric_text(quant::SequenceKind k, double v) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(2);
  if (k == quant::SequenceKind::classify) s << "accuracy " << 100 * v << "%";
  else s << "perplexity " << v;
  return s.str();
}

}  // namespace

int run_sequence_training(const quant::FloatNetwork& start, const SequenceCommand& c) {
  if (c.train_limit < 0 || c.test_limit < 0) throw InputError("--train-limit/--test-limit: must be >= 0");
  const quant::Network& net = start.net;
  const quant::SequenceTask train_task =
      quant::sequence_task(net, quant::SequenceSplit::train, size_t(c.train_limit), c.data);
  const quant::SequenceTask valid =
      quant::sequence_task(net, quant::SequenceSplit::valid, size_t(c.test_limit), c.data);
  const quant::SequenceTask test =
      quant::sequence_task(net, quant::SequenceSplit::test, size_t(c.test_limit), c.data);
  const bool lm = train_task.kind == quant::SequenceKind::language;
  std::cout << "shiftsim-train: " << net.name << ", float, " << c.opts.epochs << " epoch(s) on "
            << train_task.inputs.size() << (lm ? " windows of " + std::to_string(net.input.c) + " tokens"
                                               : std::string(" Fashion-MNIST images read row by row"))
            << (lm ? " (fortunes corpus, vocabulary " + std::to_string(net.layers[0].vocab_size) + ")" : "")
            << ", valid " << valid.inputs.size() << ", test " << test.inputs.size() << ", seed "
            << c.opts.seed << "\n"
            << std::flush;
  SequenceTrainOptions o = c.opts;
  o.log = &std::cout;
  const SequenceTrainResult r = train_sequence(start, train_task, &valid, o);
  const double test_metric = torch_score(r.net, test, o.threads);
  if (!c.out.empty()) save_checkpoint(c.out, r.net);
  std::cout << "test " << metric_text(test.kind, test_metric) << " on " << test.inputs.size()
            << (lm ? " windows" : " images") << "; " << std::fixed << std::setprecision(1)
            << r.seconds << " s training";
  if (!c.out.empty()) std::cout << "; saved " << c.out;
  std::cout << "\n";
  if (!c.report.empty()) {
    nlohmann::json j;
    j["net"] = net.name;
    j["task"] = lm ? "language" : "classify";
    j["epochs"] = o.epochs;
    j["seed"] = o.seed;
    j["lr"] = o.lr;
    j["batch"] = o.batch;
    j["dropout"] = o.dropout;
    j["train_samples"] = train_task.inputs.size();
    j["test_samples"] = test.inputs.size();
    j[lm ? "test_perplexity" : "test_accuracy"] = test_metric;
    j["seconds"] = r.seconds;
    j["steps"] = r.steps;
    nlohmann::json ep = nlohmann::json::array();
    for (const SequenceEpoch& e : r.epochs)
      ep.push_back({{"epoch", e.epoch}, {"loss", e.loss}, {lm ? "valid_perplexity" : "valid_accuracy", e.metric},
                    {"seconds", e.seconds}});
    j["epoch_log"] = ep;
    std::ofstream f(c.report);
    if (!(f << j.dump(1) << "\n")) throw InputError(c.report + ": cannot write the report");
  }
  return 0;
}

}  // namespace shiftsim::train
