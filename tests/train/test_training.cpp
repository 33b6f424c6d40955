// Training: a short run learns, runs are deterministic, QAT ends on the quantizer's grid, and the
// IR -> Torch -> FloatNetwork round trip keeps the float forward pass.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/input_error.h"
#include "quant/idx.h"
#include "quant/network.h"
#include "quant/weights_gen.h"
#include "train/trainer.h"
#include "train/weight_quantizer.h"

using namespace shiftsim;
using quant::FloatNetwork;
using quant::Layer;
using quant::LayerType;
using quant::Tensor;

namespace {

std::string lenet_path() { return std::string(SHIFTSIM_SOURCE_DIR) + "/configs/nets/lenet5.json"; }

FloatNetwork fresh_lenet(uint64_t seed) {
  return quant::generate_weights(quant::load_network(lenet_path()), seed);
}

// A plain float reference of the IR's layers (network.h, golden.h), independent of Torch.
std::vector<Tensor<float>> reference_forward(const FloatNetwork& f, const Tensor<float>& x) {
  std::vector<Tensor<float>> out;
  for (size_t i = 0; i < f.net.layers.size(); ++i) {
    const Layer& l = f.net.layers[i];
    auto in = [&](size_t k) -> const Tensor<float>& {
      return l.inputs[k] == quant::kNetworkInput ? x : out[size_t(l.inputs[k])];
    };
    const Tensor<float>& a = in(0);
    Tensor<float> y(l.out_shape);
    const auto& p = f.params[i];
    switch (l.type) {
      case LayerType::conv: {
        const int cg = l.in_shape.c / l.groups, mg = l.out_channels / l.groups;
        for (int m = 0; m < l.out_channels; ++m)
          for (int oy = 0; oy < y.shape.h; ++oy)
            for (int ox = 0; ox < y.shape.w; ++ox) {
              double s = p.bias[size_t(m)];
              const int g = m / mg;
              for (int c = 0; c < cg; ++c)
                for (int ky = 0; ky < l.kernel; ++ky)
                  for (int kx = 0; kx < l.kernel; ++kx) {
                    const int iy = oy * l.stride - l.pad + ky, ix = ox * l.stride - l.pad + kx;
                    if (iy < 0 || ix < 0 || iy >= a.shape.h || ix >= a.shape.w) continue;
                    s += double(a.at(g * cg + c, iy, ix)) *
                         p.weights[((size_t(m) * cg + c) * l.kernel + ky) * l.kernel + kx];
                  }
              y.at(m, oy, ox) = float(s);
            }
        break;
      }
      case LayerType::fc:
        for (int m = 0; m < l.out_channels; ++m) {
          double s = p.bias[size_t(m)];
          for (size_t k = 0; k < a.data.size(); ++k)
            s += double(a.data[k]) * p.weights[size_t(m) * a.data.size() + k];
          y.data[size_t(m)] = float(s);
        }
        break;
      case LayerType::maxpool:
      case LayerType::avgpool:
        for (int c = 0; c < y.shape.c; ++c)
          for (int oy = 0; oy < y.shape.h; ++oy)
            for (int ox = 0; ox < y.shape.w; ++ox) {
              double best = -std::numeric_limits<double>::infinity(), sum = 0;
              for (int ky = 0; ky < l.kernel; ++ky)
                for (int kx = 0; kx < l.kernel; ++kx) {
                  const int iy = oy * l.stride - l.pad + ky, ix = ox * l.stride - l.pad + kx;
                  if (iy < 0 || ix < 0 || iy >= a.shape.h || ix >= a.shape.w) continue;
                  best = std::max(best, double(a.at(c, iy, ix)));
                  sum += a.at(c, iy, ix);
                }
              y.at(c, oy, ox) = float(l.type == LayerType::maxpool ? best : sum / (l.kernel * l.kernel));
            }
        break;
      case LayerType::relu:
      case LayerType::flatten: y.data = a.data; break;
      case LayerType::add:
        for (size_t k = 0; k < y.data.size(); ++k) y.data[k] = a.data[k] + in(1).data[k];
        break;
      case LayerType::concat: {
        size_t at = 0;
        for (size_t k = 0; k < l.inputs.size(); ++k)
          for (float v : in(k).data) y.data[at++] = v;
        break;
      }
      case LayerType::lstm:
      case LayerType::gru:
      case LayerType::embedding:
        FAIL("a sequence layer in a CNN training test");
    }
    if (l.relu || l.type == LayerType::relu)
      for (float& v : y.data) v = std::max(v, 0.0f);
    out.push_back(std::move(y));
  }
  return out;
}

// Every layer type and option of the IR: groups, stride, padding, padded pools, global pooling,
// relu and flatten layers, add, concat, an fc after a conv (flattening).
const char* kAllLayers = R"({"name": "all", "input": {"shape": [2, 12, 12]}, "layers": [
  {"name": "c1", "type": "conv", "out_channels": 8, "kernel": 3, "pad": 1, "relu": true},
  {"name": "c2", "type": "conv", "out_channels": 8, "kernel": 3, "pad": 1, "groups": 4},
  {"name": "a1", "type": "add", "inputs": ["c2", "c1"], "relu": true},
  {"name": "mp", "type": "maxpool", "inputs": ["c2"], "kernel": 3, "stride": 2, "pad": 2},
  {"name": "c3", "type": "conv", "inputs": ["a1"], "out_channels": 6, "kernel": 5, "stride": 2, "pad": 1},
  {"name": "r3", "type": "relu"},
  {"name": "ap", "type": "avgpool", "inputs": ["mp"], "kernel": 5, "stride": 1, "pad": 1},
  {"name": "cat", "type": "concat", "inputs": ["ap", "r3"]},
  {"name": "gp", "type": "avgpool", "global": true},
  {"name": "fl", "type": "flatten", "inputs": ["cat"]},
  {"name": "fc1", "type": "fc", "out_features": 12, "relu": true},
  {"name": "c4", "type": "conv", "inputs": ["cat"], "out_channels": 4, "kernel": 1, "stride": 2},
  {"name": "fc3", "type": "fc", "out_features": 6},
  {"name": "cat2", "type": "concat", "inputs": ["gp", "fc1", "fc3"]},
  {"name": "fc2", "type": "fc", "out_features": 10}
]})";

// One Torch thread: the tests run beside each other (ctest -j) and OpenMP threads that spin
// while another process holds the core slow a run down tenfold (docs/TRAINING.md).
constexpr int kThreads = 1;

train::TrainOptions options() {
  train::TrainOptions o;
  o.threads = kThreads;
  return o;
}

bool is_power_of_two_or_zero(float w) {
  if (w == 0) return true;
  int e = 0;
  return std::frexp(std::fabs(w), &e) == 0.5f;
}

}  // namespace

TEST_CASE("a short float run of LeNet-5 learns", "[train]") {
  const quant::ImageSet tr = quant::load_fashion_mnist("train", 2000);
  const quant::ImageSet te = quant::load_fashion_mnist("test", 1000);
  train::TrainOptions o = options();
  o.epochs = 2;
  o.batch = 32;
  o.seed = 7;
  train::TrainResult r = train::train(fresh_lenet(7), tr, &te, o);
  REQUIRE(r.epochs.size() == 2);
  CHECK(r.epochs[0].loss < std::log(10.0));
  CHECK(r.epochs[1].loss < r.epochs[0].loss);
  CHECK(r.epochs[1].train_accuracy > r.epochs[0].train_accuracy);
  CHECK(r.test_accuracy > 0.6);  // chance is 0.1
  // The result is the network the test accuracy was measured on.
  CHECK(train::evaluate(r.net, te, kThreads) == Approx(r.test_accuracy).margin(1e-12));
}

TEST_CASE("training is deterministic given the seed", "[train]") {
  const quant::ImageSet tr = quant::load_fashion_mnist("train", 512);
  train::TrainOptions o = options();
  o.epochs = 1;
  o.max_steps = 6;
  o.seed = 3;
  const FloatNetwork a = train::train(fresh_lenet(3), tr, nullptr, o).net;
  const FloatNetwork b = train::train(fresh_lenet(3), tr, nullptr, o).net;
  o.seed = 4;  // other shuffling, same start
  const FloatNetwork c = train::train(fresh_lenet(3), tr, nullptr, o).net;
  const FloatNetwork start = fresh_lenet(3);
  bool moved = false, differs = false;
  for (size_t i = 0; i < a.params.size(); ++i) {
    REQUIRE(a.params[i].weights == b.params[i].weights);
    REQUIRE(a.params[i].bias == b.params[i].bias);
    moved = moved || a.params[i].weights != start.params[i].weights;
    differs = differs || a.params[i].weights != c.params[i].weights;
  }
  CHECK(moved);
  CHECK(differs);
}

TEST_CASE("QAT ends with every weight on the quantizer's grid", "[train]") {
  const quant::ImageSet tr = quant::load_fashion_mnist("train", 1000);
  const quant::ImageSet te = quant::load_fashion_mnist("test", 300);
  struct Case {
    train::Method method;
    int bits;
    int epochs;
    train::GsnqScope scope;
  };
  const auto layer = train::GsnqScope::layer, network = train::GsnqScope::network;
  for (Case k : {Case{train::Method::nbq, 3, 2, layer}, Case{train::Method::nbq_ste, 3, 2, layer},
                 Case{train::Method::gsnq, 4, 3, layer}, Case{train::Method::gsnq, 3, 3, network},
                 Case{train::Method::fixed, 6, 2, layer}}) {
    INFO(train::to_string(k.method) << " " << k.bits << " bits, scope "
                                    << (k.scope == layer ? "layer" : "network"));
    train::TrainOptions o = options();
    o.quant.method = k.method;
    o.quant.bits = k.bits;
    o.epochs = k.epochs;
    o.gsnq_scope = k.scope;
    o.batch = 32;
    o.eval_each_epoch = false;
    train::TrainResult r = train::train(fresh_lenet(11), tr, &te, o);
    UNSCOPED_INFO("test accuracy " << r.test_accuracy);
    CHECK(r.test_accuracy > 0.4);  // chance is 0.1
    for (size_t i = 0; i < r.net.params.size(); ++i) {
      const std::vector<float>& w = r.net.params[i].weights;
      if (w.empty()) continue;
      INFO("layer " << r.net.net.layers[i].name);
      // Q(W~) = W~: the exported weights are levels of the quantizer.
      CHECK(train::quantize_layer(w, o.quant) == w);
      if (k.method != train::Method::fixed)
        CHECK(std::all_of(w.begin(), w.end(), is_power_of_two_or_zero));
      // Not all zero: the layer still carries signal.
      CHECK(std::any_of(w.begin(), w.end(), [](float x) { return x != 0; }));
    }
  }
}

TEST_CASE("n-BQ schedule: a falls to 0 and the last step runs fully quantized", "[train]") {
  const quant::ImageSet tr = quant::load_fashion_mnist("train", 256);
  for (train::NbqSchedule s : {train::NbqSchedule::step, train::NbqSchedule::epoch}) {
    train::TrainOptions o = options();
    o.quant.method = train::Method::nbq;
    o.epochs = 2;
    o.batch = 64;
    o.nbq_schedule = s;
    train::TrainResult r = train::train(fresh_lenet(5), tr, nullptr, o);
    REQUIRE(r.epochs.size() == 2);
    CHECK(r.epochs[0].nbq_a > 0);
    CHECK(r.epochs[0].nbq_a < 0.5);
    CHECK(r.epochs[1].nbq_a == 0);
  }
}

TEST_CASE("IR -> Torch -> FloatNetwork keeps the weights and the float forward pass", "[train]") {
  for (const std::string& which : {std::string("lenet5"), std::string("all")}) {
    INFO(which);
    const quant::Network net = which == "lenet5"
                                   ? quant::load_network(lenet_path())
                                   : quant::parse_network(nlohmann::json::parse(kAllLayers), "all");
    const FloatNetwork f = quant::generate_weights(net, 21);
    std::vector<Tensor<float>> inputs = {quant::generate_input(net.input, 1),
                                         quant::generate_input(net.input, 2)};
    std::vector<std::vector<float>> got = train::predict(f, inputs, kThreads);
    for (size_t n = 0; n < inputs.size(); ++n) {
      const Tensor<float> want = reference_forward(f, inputs[n]).back();
      REQUIRE(got[n].size() == want.data.size());
      double scale = 0;
      for (float v : want.data) scale = std::max(scale, double(std::fabs(v)));
      for (size_t k = 0; k < want.data.size(); ++k)
        CHECK(got[n][k] == Approx(want.data[k]).margin(1e-5 * (1 + scale)));
    }
  }
  // The round trip through a training run of zero epochs.
  const quant::ImageSet tr = quant::load_fashion_mnist("train", 64);
  const FloatNetwork f = fresh_lenet(9);
  train::TrainOptions o = options();
  o.epochs = 0;
  const FloatNetwork g = train::train(f, tr, nullptr, o).net;
  for (size_t i = 0; i < f.params.size(); ++i) {
    CHECK(g.params[i].weights == f.params[i].weights);
    CHECK(g.params[i].bias == f.params[i].bias);
  }
}

TEST_CASE("bad training options and mismatched networks are input errors", "[train]") {
  const quant::ImageSet tr = quant::load_fashion_mnist("train", 64);
  train::TrainOptions o = options();
  o.quant.method = train::Method::nbq;
  o.quant.bits = 6;
  CHECK_THROWS_AS(train::train(fresh_lenet(1), tr, nullptr, o), InputError);
  o.quant.bits = 3;
  o.batch = 0;
  CHECK_THROWS_AS(train::train(fresh_lenet(1), tr, nullptr, o), InputError);
  o.batch = 64;
  o.quant.method = train::Method::gsnq;
  o.epochs = 2;  // three partial steps need three epochs
  CHECK_THROWS_AS(train::train(fresh_lenet(1), tr, nullptr, o), InputError);
  o.gsnq_fractions = {0.5, 0.9};
  CHECK_THROWS_AS(train::check_options(o), InputError);
  CHECK_THROWS_AS(train::parse_method("nbq2"), InputError);
  const quant::Network tiny =
      quant::load_network(std::string(SHIFTSIM_SOURCE_DIR) + "/configs/nets/tiny.json");
  o = options();
  CHECK_THROWS_AS(train::train(quant::generate_weights(tiny, 1), tr, nullptr, o), InputError);
}
