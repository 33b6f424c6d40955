// shiftsim-train: float or quantization-aware training on Fashion-MNIST (`shiftsim train ...`
// runs this executable). See docs/TRAINING.md.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "common/input_error.h"
#include "quant/idx.h"
#include "quant/network_json_write.h"
#include "quant/weights_gen.h"
#include "train/sequence_command.h"
#include "train/sequence_net.h"
#include "train/trainer.h"
#include "train/weight_quantizer.h"

using namespace shiftsim;

namespace {

struct Args {
  std::string net, init, out, report, data = quant::kFashionMnistDir;
  std::string corpus = quant::kFortunesDir;
  double dropout = 0, clip = 1.0;
  bool weight_decay_given = false, lr_given = false;
  std::string method = "float", thresholds = "moments", optimizer = "adam", lr_schedule = "cosine";
  std::string nbq_schedule = "step", gsnq_steps = "0.5,0.75,0.875,1", gsnq_scope = "layer";
  int bits = 0;  // 0: 3 for the power-of-two methods, 8 for fixed
  int epochs = 5;
  int64_t train_limit = 0, test_limit = 0;
  bool quiet = false, no_eval = false;
  train::TrainOptions opts;
};

std::vector<double> parse_fractions(const std::string& s) {
  std::vector<double> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    try {
      size_t used = 0;
      out.push_back(std::stod(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw InputError("--gsnq-steps: \"" + item + "\" is not a number");
    }
  }
  return out;
}

// The layers and input of two networks agree (names of the networks may differ).
void check_same_network(const quant::Network& a, const quant::Network& b, const std::string& what) {
  nlohmann::json ja = quant::network_to_json(a), jb = quant::network_to_json(b);
  if (ja["input"] != jb["input"] || ja["layers"] != jb["layers"])
    throw InputError(what + ": its network differs from --net " + a.name);
}

int64_t weight_count(const quant::FloatNetwork& f) {
  int64_t n = 0;
  for (const quant::Layer& l : f.net.layers) n += quant::weight_count(l);
  return n;
}

// Networks with embedding, lstm or gru layers: float training on their own data
// (train/sequence_command.h). Weight decay only when asked for: its default is LeNet's.
int run_sequence(const Args& a, const quant::FloatNetwork& start) {
  if (a.method != "float")
    throw InputError("--method " + a.method + ": " + start.net.name +
                     " has sequence layers, which are trained in float only (quantize them after "
                     "training with shiftsim quantize)");
  train::SequenceCommand c;
  c.out = a.out;
  c.report = a.report;
  c.train_limit = a.train_limit;
  c.test_limit = a.test_limit;
  c.data.fashion_dir = a.data;
  c.data.corpus_dir = a.corpus;
  train::SequenceTrainOptions& o = c.opts;
  o.epochs = a.epochs;
  o.batch = a.opts.batch;
  if (a.lr_given) o.lr = a.opts.lr;
  o.weight_decay = a.weight_decay_given ? a.opts.weight_decay : 0.0;
  o.clip = a.clip;
  o.dropout = a.dropout;
  o.seed = a.opts.seed;
  o.threads = a.opts.threads;
  o.max_steps = a.opts.max_steps;
  return train::run_sequence_training(start, c);
}

int run(Args& a) {
  train::TrainOptions& o = a.opts;
  o.epochs = a.epochs;
  o.quant.method = train::parse_method(a.method);
  o.quant.thresholds = train::parse_thresholds(a.thresholds);
  o.quant.bits = a.bits > 0 ? a.bits : (o.quant.method == train::Method::fixed ? 8 : 3);
  o.optimizer = a.optimizer == "sgd" ? train::Optimizer::sgd : train::Optimizer::adam;
  o.lr_schedule = a.lr_schedule == "constant" ? train::LrSchedule::constant : train::LrSchedule::cosine;
  o.nbq_schedule = a.nbq_schedule == "epoch" ? train::NbqSchedule::epoch : train::NbqSchedule::step;
  o.gsnq_scope = a.gsnq_scope == "network" ? train::GsnqScope::network : train::GsnqScope::layer;
  o.gsnq_fractions = parse_fractions(a.gsnq_steps);
  o.eval_each_epoch = !a.no_eval;
  o.live_progress = !a.quiet && isatty(2) != 0;
  o.log = a.quiet ? nullptr : &std::cout;
  if (a.train_limit < 0) throw InputError("--train-limit: must be >= 0");
  if (a.test_limit < 0) throw InputError("--test-limit: must be >= 0");
  if (a.net.empty() && a.init.empty()) throw InputError("--net or --init is required");
  train::check_options(o);

  quant::FloatNetwork start;
  if (!a.init.empty()) {
    start = train::load_checkpoint(a.init);
    if (!a.net.empty()) check_same_network(quant::load_network(a.net), start.net, "--init " + a.init);
  } else {
    start = quant::generate_weights(quant::load_network(a.net), o.seed);
  }
  if (train::is_sequence_network(start.net)) return run_sequence(a, start);
  quant::ImageSet train_set = quant::load_fashion_mnist("train", size_t(a.train_limit), a.data);
  quant::ImageSet test_set = quant::load_fashion_mnist("test", size_t(a.test_limit), a.data);
  train::check_fits(start.net, train_set);

  std::cout << "shiftsim-train: " << start.net.name << ", " << train::to_string(o.quant.method);
  if (o.quant.method != train::Method::full) {
    std::cout << " " << o.quant.bits << "-bit";
    if (o.quant.method == train::Method::nbq || o.quant.method == train::Method::nbq_ste)
      std::cout << " (" << train::to_string(o.quant.thresholds) << " thresholds)";
  }
  std::cout << ", " << o.epochs << " epoch(s) on " << train_set.count() << " images, test on "
            << test_set.count() << ", seed " << o.seed << ", "
            << (a.init.empty() ? "fresh weights" : "from " + a.init) << "\n";
  if (o.quant.method != train::Method::full && o.quant.method != train::Method::fixed &&
      train::using_stand_in_quantizers())
    std::cout << "note: quant/nbq.h or quant/gsnq.h is missing; quant/pow2.h's nearest-level "
                 "quantizer stands in\n";
  std::cout << std::flush;

  train::TrainResult r = train::train(start, train_set, &test_set, o);
  if (!a.out.empty()) train::save_checkpoint(a.out, r.net);

  const int64_t n = weight_count(r.net);
  const int wbits = o.quant.method == train::Method::full ? 32 : o.quant.bits;
  const int64_t wbytes = (n * wbits + 7) / 8;
  std::cout << "test accuracy " << std::fixed << std::setprecision(2) << 100.0 * r.test_accuracy
            << "% on " << test_set.count() << " images; " << n << " weights, " << wbytes
            << " bytes at " << wbits << " bits; " << std::setprecision(1) << r.seconds << " s";
  if (!a.out.empty()) std::cout << "; saved " << a.out;
  std::cout << "\n";

  if (!a.report.empty()) {
    nlohmann::json j;
    j["net"] = r.net.net.name;
    j["method"] = train::to_string(o.quant.method);
    j["bits"] = o.quant.method == train::Method::full ? 32 : o.quant.bits;
    j["thresholds"] = train::to_string(o.quant.thresholds);
    j["stand_in_quantizers"] = train::using_stand_in_quantizers();
    j["init"] = a.init;
    j["epochs"] = o.epochs;
    j["seed"] = o.seed;
    j["lr"] = o.lr;
    j["batch"] = o.batch;
    j["optimizer"] = a.optimizer;
    j["train_images"] = train_set.count();
    j["test_images"] = test_set.count();
    j["test_accuracy"] = r.test_accuracy;
    j["weights"] = n;
    j["weight_bytes"] = wbytes;
    j["seconds"] = r.seconds;
    j["steps"] = r.steps;
    nlohmann::json ep = nlohmann::json::array();
    for (const train::EpochStats& e : r.epochs) {
      nlohmann::json x = {{"epoch", e.epoch},     {"loss", e.loss},
                          {"train_accuracy", e.train_accuracy},
                          {"test_accuracy", e.test_accuracy},
                          {"seconds", e.seconds}};
      if (e.nbq_a >= 0) x["nbq_a"] = e.nbq_a;
      if (e.gsnq_fraction >= 0) x["gsnq_fraction"] = e.gsnq_fraction;
      ep.push_back(x);
    }
    j["epoch_log"] = ep;
    std::ofstream f(a.report);
    if (!(f << j.dump(1) << "\n")) throw InputError(a.report + ": cannot write the report");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // libgomp reads OMP_WAIT_POLICY once, when it loads. Its default lets idle OpenMP threads spin,
  // and on a machine whose cores are busy with other work a spinning thread slows every
  // parallel region down up to tenfold (docs/TRAINING.md); so unless the user chose a policy,
  // run again with a passive one.
  if (!std::getenv("OMP_WAIT_POLICY") && setenv("OMP_WAIT_POLICY", "PASSIVE", 1) == 0)
    execv("/proc/self/exe", argv);  // returns only on failure: carry on as we are
  CLI::App app{"shiftsim-train: float or quantization-aware training on Fashion-MNIST; sequence networks (lstm, gru) in float on their own data "
               "(docs/TRAINING.md)"};
  app.name("shiftsim-train");
  Args a;
  train::TrainOptions& o = a.opts;
  app.add_option("--net", a.net, "network JSON (configs/nets/...); optional with --init");
  app.add_option("--init", a.init, "start from this float checkpoint instead of fresh weights");
  app.add_option("--out", a.out, "write the trained network here (float checkpoint)");
  app.add_option("--epochs", a.epochs, "epochs (gsnq: in all, shared by its retraining steps); "
                                       "0 quantizes without training");
  app.add_option("--method", a.method, "float, nbq (reconstructed gradient), nbq-ste, gsnq, fixed");
  app.add_option("--bits", a.bits, "weight bits (nbq, nbq-ste, gsnq: 2..5, default 3; fixed: "
                                   "2..16, default 8)");
  app.add_option("--thresholds", a.thresholds, "n-BQ thresholds: moments (default) or authors");
  app.add_option("--train-limit", a.train_limit, "use the first N training images (0: all 60,000)");
  app.add_option("--test-limit", a.test_limit, "use the first N test images (0: all 10,000)");
  app.add_option("--seed", o.seed, "seed of the fresh weights and of the shuffling");
  app.add_option("--lr", o.lr, "learning rate (default 0.001; sequence networks 0.002)");
  app.add_option("--batch", o.batch, "mini-batch size (default 64)");
  app.add_option("--optimizer", a.optimizer, "adam or sgd")->check(CLI::IsMember({"adam", "sgd"}));
  app.add_option("--momentum", o.momentum, "sgd momentum (default 0.9)");
  app.add_option("--weight-decay", o.weight_decay, "L2 weight decay (default 0.0005)");
  app.add_option("--lr-schedule", a.lr_schedule, "cosine (default; gsnq: per step) or constant")
      ->check(CLI::IsMember({"cosine", "constant"}));
  app.add_option("--nbq-schedule", a.nbq_schedule,
                 "how a falls to 0: step (per mini-batch, default) or epoch (the authors')")
      ->check(CLI::IsMember({"step", "epoch"}));
  app.add_option("--nbq-lambda0", o.nbq_lambda0, "starting weight of the quantized term (0.5)");
  app.add_option("--gsnq-steps", a.gsnq_steps, "fractions quantized at each step (0.5,0.75,0.875,1)");
  app.add_option("--gsnq-scope", a.gsnq_scope, "partition per layer or over the network")
      ->check(CLI::IsMember({"layer", "network"}));
  app.add_option("--threads", o.threads, "Torch threads (default 2)");
  app.add_option("--data", a.data, "Fashion-MNIST directory");
  app.add_option("--corpus", a.corpus, "language models: the fortunes text directory "
                                       "(default /usr/share/games/fortunes)");
  app.add_option("--dropout", a.dropout, "sequence networks: dropout on embedding and recurrent "
                                         "outputs while training (default 0)");
  app.add_option("--clip", a.clip, "sequence networks: maximum gradient norm (default 1; 0: none)");
  app.add_option("--max-steps", o.max_steps, "stop after this many mini-batches (0: no limit)");
  app.add_option("--report", a.report, "write a JSON summary here");
  app.add_flag("--quiet", a.quiet, "no per-epoch lines, no progress line");
  app.add_flag("--no-eval", a.no_eval, "skip the test evaluation after each epoch");
  try {
    app.parse(argc, argv);
    a.weight_decay_given = app.count("--weight-decay") > 0;
    a.lr_given = app.count("--lr") > 0;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "shiftsim-train: error: " << e.what() << "\n";
    return 2;
  }
  try {
    return run(a);
  } catch (const InputError& e) {
    std::cerr << "shiftsim-train: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "shiftsim-train: internal error: " << e.what() << "\n";
    return 3;
  }
}
