// Sequence training: the Torch module computes the float executor's function (ONNX equations
// and layouts), short runs on small subsets learn (well above chance), the trained classifier
// goes through the per-tensor width search within its tolerance, and bad setups are refused.
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "common/input_error.h"
#include "quant/float_exec.h"
#include "quant/network.h"
#include "quant/recurrent_search.h"
#include "quant/sequence_data.h"
#include "train/sequence_net.h"
#include "train/sequence_trainer.h"
#include "train/torch_net.h"

using namespace shiftsim;
using quant::FloatNetwork;
using quant::SequenceSplit;

namespace {

FloatNetwork fresh(const std::string& input, const std::string& layers, uint64_t seed = 1) {
  const nlohmann::json j = nlohmann::json::parse(R"({"name": "t", "input": {"shape": )" + input +
                                                 R"(}, "layers": [)" + layers + "]}");
  return quant::generate_weights(quant::parse_network(j, "t.json"), seed);
}

FloatNetwork row_net(const std::string& cell) {
  return fresh("[28, 28, 1]", R"({"name": "r", "type": ")" + cell +
                                  R"(", "hidden_size": 32}, {"name": "fc", "type": "fc", "out_features": 10})");
}

train::SequenceTrainOptions quick(int epochs) {
  train::SequenceTrainOptions o;
  o.epochs = epochs;
  o.batch = 32;
  o.lr = 0.005;
  return o;
}

}  // namespace

TEST_CASE("sequence training: the Torch module computes what the float executor computes") {
  const char* nets[][2] = {
      {"[6, 3, 1]", R"({"name": "l", "type": "lstm", "hidden_size": 5}, {"name": "fc", "type": "fc", "out_features": 4, "relu": true})"},
      {"[6, 3, 1]", R"({"name": "g", "type": "gru", "hidden_size": 5, "output": "sequence", "direction": "reverse"}, {"name": "fc", "type": "fc", "out_features": 2, "per_step": true})"},
      {"[6, 3, 1]", R"({"name": "g", "type": "gru", "hidden_size": 5, "linear_before_reset": true}, {"name": "fc", "type": "fc", "out_features": 3})"},
      {"[7, 1, 1]", R"({"name": "e", "type": "embedding", "vocab_size": 9, "dim": 4}, {"name": "l", "type": "lstm", "hidden_size": 6, "output": "sequence"}, {"name": "fc", "type": "fc", "out_features": 9, "per_step": true})"},
  };
  for (auto& n : nets) {
    INFO(n[1]);
    const FloatNetwork f = fresh(n[0], n[1], 3);
    train::SequenceNet m(f);
    m->eval();
    for (uint64_t k = 0; k < 3; ++k) {
      quant::Tensor<float> x = quant::generate_input(f.net.input, 10 + k);
      if (f.net.layers[0].type == quant::LayerType::embedding)
        for (float& v : x.data) v = std::floor((v + 1) * 4.49f);  // ids 0..8
      const std::vector<float> want = quant::run_float(f, x).back().data;
      torch::NoGradGuard no_grad;
      const std::vector<float> got = train::to_vector(
          m->forward(train::from_vector(x.data, {1, x.shape.c, int64_t(x.shape.h) * x.shape.w})));
      REQUIRE(got.size() == want.size());
      for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == Approx(want[i]).margin(1e-4));
    }
    // Export gives back the parameters it was built from.
    const FloatNetwork back = m->export_float();
    for (size_t i = 0; i < f.params.size(); ++i) CHECK(back.params[i].weights == f.params[i].weights);
  }
}

TEST_CASE("sequence training: row-by-row lstm and gru classifiers learn on 2,000 images") {
  const quant::SequenceDataOptions d;
  for (const char* cell : {"lstm", "gru"}) {
    INFO(cell);
    const FloatNetwork init = row_net(cell);
    const quant::SequenceTask tr = quant::sequence_task(init.net, SequenceSplit::train, 2000, d);
    const quant::SequenceTask va = quant::sequence_task(init.net, SequenceSplit::valid, 500, d);
    const train::SequenceTrainResult r = train::train_sequence(init, tr, &va, quick(2));
    REQUIRE(r.epochs.size() == 2);
    CHECK(r.epochs[1].loss < r.epochs[0].loss);
    // Scored through the float executor on the exported network: ten classes, chance is 10%.
    const double acc = quant::score_float(r.net, va).accuracy;
    CHECK(acc > 0.5);
    CHECK(acc == Approx(r.epochs[1].metric).margin(0.005));
  }
}

TEST_CASE("sequence training: a small language model beats the uniform guess by far") {
  const FloatNetwork init = fresh("[12, 1, 1]", R"({"name": "e", "type": "embedding", "vocab_size": 100, "dim": 16},
      {"name": "l", "type": "lstm", "hidden_size": 32, "output": "sequence"},
      {"name": "fc", "type": "fc", "out_features": 100, "per_step": true})");
  const quant::SequenceDataOptions d;
  const quant::SequenceTask tr = quant::sequence_task(init.net, SequenceSplit::train, 600, d);
  const quant::SequenceTask va = quant::sequence_task(init.net, SequenceSplit::valid, 100, d);
  const double before = quant::score_float(init, va).perplexity;
  const train::SequenceTrainResult r = train::train_sequence(init, tr, &va, quick(2));
  const double after = quant::score_float(r.net, va).perplexity;
  CHECK(after < 0.5 * 100);  // uniform over the vocabulary: perplexity 100
  CHECK(after < 0.5 * before);
  CHECK(after == Approx(r.epochs.back().metric).epsilon(0.01));
}

TEST_CASE("sequence training: the per-tensor search keeps a trained classifier within a point") {
  const FloatNetwork init = row_net("gru");
  const quant::SequenceDataOptions d;
  const quant::SequenceTask tr = quant::sequence_task(init.net, SequenceSplit::train, 2000, d);
  const FloatNetwork f = train::train_sequence(init, tr, nullptr, quick(2)).net;
  const quant::SequenceTask va = quant::sequence_task(f.net, SequenceSplit::valid, 300, d);
  const quant::SequenceScore fs = quant::score_float(f, va);
  quant::RecurrentSearchOptions s;
  s.tolerance = 0.01;
  const quant::RecurrentSearchResult r = quant::search_recurrent_widths(
      f, quant::calibrate_recurrent(f, quant::first_inputs(tr, 64)), quant::task_loss(fs, va), s);
  REQUIRE(r.met);
  CHECK(quant::score_quantized(r.qn, va).accuracy >= fs.accuracy - 0.01);
  CHECK(r.widths.layers[0].recurrent < 16);
  CHECK(r.footprint.reduction() > 0.6);
}

TEST_CASE("sequence training: refusals name the problem") {
  const FloatNetwork peep = fresh("[4, 2, 1]", R"({"name": "l", "type": "lstm", "hidden_size": 3, "peepholes": true})");
  CHECK_THROWS_WITH(train::SequenceNet(peep), Catch::Matchers::Contains("layer l (lstm): peepholes"));
  const FloatNetwork f = row_net("lstm");
  const quant::SequenceTask tr = quant::sequence_task(f.net, SequenceSplit::train, 10, {});
  train::SequenceTrainOptions o = quick(1);
  o.dropout = 1.5;
  CHECK_THROWS_WITH(train::train_sequence(f, tr, nullptr, o), Catch::Matchers::Contains("--dropout"));
  const FloatNetwork other = fresh("[5, 3, 1]", R"({"name": "l", "type": "lstm", "hidden_size": 3})");
  CHECK_THROWS_WITH(train::train_sequence(other, tr, nullptr, quick(1)),
                    Catch::Matchers::Contains("training sample 0 is 28x28x1, network t takes 5x3x1"));
  CHECK_THROWS_WITH(quant::sequence_task(other.net, SequenceSplit::train, 1, {}),
                    Catch::Matchers::Contains("input 5x3x1 is neither token ids"));
}
