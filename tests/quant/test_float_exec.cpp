// The float forward pass against the golden executor, and batch-norm folding against the
// unfolded float computation.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "quant/bn_fold.h"
#include "quant/fixed_point.h"
#include "quant/float_exec.h"
#include "quant/golden.h"
#include "quant/quantize.h"
#include "quant_test_util.h"

using namespace shiftsim::quant;
using shiftsim::quant::test::input_error_of;
using shiftsim::quant::test::parse_text;
using Catch::Matchers::Contains;

namespace {
// Every layer type, strides, padding, groups, both pools, add and concat.
const char* kAllLayers = R"({"name": "all", "input": {"shape": [3, 13, 13]}, "layers": [
  {"name": "c1", "type": "conv", "out_channels": 8, "kernel": 3, "pad": 1, "relu": true},
  {"name": "c2", "type": "conv", "out_channels": 8, "kernel": 3, "pad": 1, "groups": 2},
  {"name": "a1", "type": "add", "inputs": ["c2", "c1"], "relu": true},
  {"name": "c3", "type": "conv", "out_channels": 6, "kernel": 5, "stride": 2, "pad": 2, "inputs": ["a1"]},
  {"name": "r3", "type": "relu"},
  {"name": "p1", "type": "maxpool", "kernel": 3, "stride": 2, "pad": 1, "inputs": ["a1"]},
  {"name": "p2", "type": "avgpool", "kernel": 3, "stride": 2, "pad": 1, "inputs": ["a1"]},
  {"name": "cat", "type": "concat", "inputs": ["r3", "p1", "p2"]},
  {"name": "fl", "type": "flatten"},
  {"name": "fc1", "type": "fc", "out_features": 12, "relu": true},
  {"name": "fc2", "type": "fc", "out_features": 5}
]})";
}  // namespace

TEST_CASE("float_exec agrees with the golden executor within quantization error") {
  const FloatNetwork f = generate_weights(parse_text(kAllLayers), 11);
  for (uint64_t seed : {1u, 2u, 3u}) {
    const Tensor<float> x = generate_input(f.net.input, seed);
    const std::vector<Tensor<float>> fo = run_float(f, x);
    QuantOptions o;  // 16-bit fixed weights and activations
    const FixedFormat in = default_input_format(16);
    const Tensor<int16_t> xq = quantize_input(x, in);
    const QuantizedNetwork qn = quantize_network(f, o, xq, in);
    const GoldenRun g = run_golden(qn, xq);
    for (size_t i = 0; i < fo.size(); ++i) {
      INFO("layer " << f.net.layers[i].name << ", seed " << seed);
      REQUIRE(g.outputs[i].shape == fo[i].shape);
      double range = 0, err = 0;
      for (size_t k = 0; k < fo[i].data.size(); ++k) {
        range = std::max(range, double(std::fabs(fo[i].data[k])));
        err = std::max(err, std::fabs(std::ldexp(double(g.outputs[i].data[k]), -qn.layers[i].out.frac) -
                                      double(fo[i].data[k])));
      }
      CHECK(err <= 2e-3 * range + std::ldexp(2.0, -qn.layers[i].out.frac));
    }
  }
}

TEST_CASE("float_exec: shape and parameter errors are InputErrors") {
  FloatNetwork f = generate_weights(parse_text(kAllLayers), 1);
  CHECK_THAT(input_error_of([&] { run_float(f, Tensor<float>(Shape{1, 13, 13})); }),
             Contains("1x13x13") && Contains("3x13x13"));
  f.params[3].bias.pop_back();
  CHECK_THAT(input_error_of([&] { run_float(f, generate_input(f.net.input, 1)); }),
             Contains("layer c3"));
}

TEST_CASE("batch-norm folding equals conv followed by batch norm") {
  const Network net = parse_text(R"({"name": "bn", "input": {"shape": [4, 9, 9]}, "layers": [
    {"name": "c", "type": "conv", "out_channels": 6, "kernel": 3, "pad": 1, "groups": 2},
    {"name": "f", "type": "fc", "out_features": 5}]})");
  const FloatNetwork f = generate_weights(net, 4);
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(0.2f, 2.0f), c(-0.5f, 0.5f);
  for (size_t li : {size_t(0), size_t(1)}) {
    const Layer& l = net.layers[li];
    BatchNorm bn;
    for (int m = 0; m < l.out_channels; ++m) {
      bn.gamma.push_back(m == 0 ? -u(rng) : u(rng));  // a negative gamma flips the channel
      bn.beta.push_back(c(rng));
      bn.mean.push_back(c(rng));
      bn.var.push_back(u(rng));
    }
    bn.eps = 1e-3;
    const Tensor<float> x = li == 0 ? generate_input(net.input, 5) : run_float(f, generate_input(net.input, 5))[0];
    const Tensor<float> y = run_float_layer(l, f.params[li], {&x});
    FloatLayerParams folded = f.params[li];
    fold_batch_norm(l, folded, bn, "test");
    const Tensor<float> z = run_float_layer(l, folded, {&x});
    const size_t per = size_t(y.shape.h) * y.shape.w;
    for (size_t k = 0; k < y.data.size(); ++k) {
      const size_t m = k / per;
      const double want = bn.gamma[m] * (y.data[k] - bn.mean[m]) / std::sqrt(bn.var[m] + bn.eps) + bn.beta[m];
      REQUIRE(z.data[k] == Approx(want).margin(1e-5).epsilon(1e-5));
    }
  }
  FloatLayerParams p = f.params[0];
  BatchNorm bad{{1, 1}, {0, 0}, {0, 0}, {1, 1}, 1e-5};
  CHECK_THAT(input_error_of([&] { fold_batch_norm(net.layers[0], p, bad, "m.onnx"); }),
             Contains("m.onnx: layer c: batch norm: gamma has 2 values for 6"));
  bad = BatchNorm{std::vector<float>(6, 1), std::vector<float>(6, 0), std::vector<float>(6, 0),
                  std::vector<float>(6, 0), 0.0};
  CHECK_THAT(input_error_of([&] { fold_batch_norm(net.layers[0], p, bad, "m.onnx"); }),
             Contains("var[0] + eps"));
}
