// The golden executor on tiny hand-computed cases: every rounding, overflow and alignment rule.
#include <catch2/catch.hpp>

#include "quant/golden.h"
#include "quant_test_util.h"

using namespace shiftsim::quant;
using shiftsim::quant::test::parse_text;

namespace {
// A quantized network around hand-written layers; every format starts at frac 0.
QuantizedNetwork qnet(const std::string& input_shape, const std::string& layers, int act_bits = 16,
                      int acc_bits = 48, Overflow overflow = Overflow::saturate) {
  QuantizedNetwork qn;
  qn.net = parse_text(R"({"name": "t", "input": {"shape": )" + input_shape + R"(}, "layers": [)" +
                      layers + "]}");
  qn.input = {act_bits, 0};
  qn.act_bits = act_bits;
  qn.acc_bits = acc_bits;
  qn.overflow = overflow;
  qn.layers.resize(qn.net.layers.size());
  for (auto& q : qn.layers) q.out = {act_bits, 0};
  return qn;
}
Tensor<int16_t> tensor(Shape s, std::vector<int16_t> v) {
  Tensor<int16_t> t(s);
  REQUIRE(v.size() == t.data.size());
  t.data = std::move(v);
  return t;
}
using V = std::vector<int16_t>;
}  // namespace

TEST_CASE("golden conv: exact sum, bias, round half up (also for negatives), ReLU") {
  // Input 1..9 (3x3), two output channels with the same 2x2 kernel [[1, -3], [0, -1]],
  // w_frac 1, out.frac 0: y = rshift_round(bias + sum, 1).
  QuantizedNetwork qn = qnet("[1, 3, 3]", R"({"name": "c", "type": "conv", "out_channels": 2, "kernel": 2})");
  QLayer& q = qn.layers[0];
  q.w_frac = 1;
  q.weights = {1, -3, 0, -1, 1, -3, 0, -1};
  q.bias = {3, 30};
  // sums: -10, -13, -19, -22
  const Tensor<int16_t> x = tensor({1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  GoldenRun run = run_golden(qn, x);
  // channel 0: -7 -10 -16 -19 -> -3.5 -5 -8 -9.5 -> -3 -5 -8 -9
  // channel 1: 20 17 11 8 -> 10 8.5 5.5 4 -> 10 9 6 4
  CHECK(run.outputs[0].shape == Shape{2, 2, 2});
  CHECK(run.outputs[0].data == V{-3, -5, -8, -9, 10, 9, 6, 4});
  CHECK(run.saturations[0] == 0);

  qn.net.layers[0].relu = true;
  CHECK(run_golden(qn, x).outputs[0].data == V{0, 0, 0, 0, 10, 9, 6, 4});

  // out.frac above the accumulator's is refused rather than silently shifting left.
  q.out.frac = 2;
  CHECK_THROWS_AS(run_golden(qn, x), std::invalid_argument);
}

TEST_CASE("golden conv: padding, stride, groups, fc") {
  QuantizedNetwork qn = qnet("[1, 3, 3]",
                             R"({"name": "c", "type": "conv", "out_channels": 1, "kernel": 3, "stride": 2, "pad": 1})");
  qn.layers[0].weights = std::vector<int16_t>(9, 1);
  qn.layers[0].bias = {0};
  // Windows centred on (0,0), (0,2), (2,0), (2,2); the padding contributes zeros.
  CHECK(run_golden(qn, tensor({1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9})).outputs[0].data == V{12, 16, 24, 28});

  QuantizedNetwork g = qnet("[2, 1, 1]", R"({"name": "c", "type": "conv", "out_channels": 2, "kernel": 1, "groups": 2})");
  g.layers[0].weights = {2, -4};  // out 0 sees in 0 only, out 1 sees in 1 only
  g.layers[0].bias = {1, 0};
  CHECK(run_golden(g, tensor({2, 1, 1}, {3, 5})).outputs[0].data == V{7, -20});

  QuantizedNetwork f = qnet("[2, 1, 2]", R"({"name": "f", "type": "fc", "out_features": 2})");
  f.layers[0].weights = {1, 1, 1, -1, 0, 2, 0, 0};  // [out][C*H*W]
  f.layers[0].bias = {10, -1};
  CHECK(run_golden(f, tensor({2, 1, 2}, {1, 2, 3, 4})).outputs[0].data == V{12, 3});
}

TEST_CASE("golden conv: accumulator saturation is counted, wrap keeps the low bits") {
  // acc_bits 8: [-128, 127]. 1x1 conv, weight 2, four pixels.
  const std::string layer = R"({"name": "c", "type": "conv", "out_channels": 1, "kernel": 1})";
  const Tensor<int16_t> x = tensor({1, 1, 4}, {100, 50, -100, -64});
  QuantizedNetwork qn = qnet("[1, 1, 4]", layer, 16, 8, Overflow::saturate);
  qn.layers[0].weights = {2};
  qn.layers[0].bias = {0};
  GoldenRun run = run_golden(qn, x);
  CHECK(run.outputs[0].data == V{127, 100, -128, -128});
  CHECK(run.saturations[0] == 2);  // 200 and -200; -128 itself fits

  qn.overflow = Overflow::wrap;
  run = run_golden(qn, x);
  CHECK(run.outputs[0].data == V{-56, 100, 56, -128});
  CHECK(run.saturations[0] == 0);

  // The bias takes part before the policy: 100 * 2 - 80 = 120 fits.
  qn.overflow = Overflow::saturate;
  qn.layers[0].bias = {-80};
  run = run_golden(qn, x);
  CHECK(run.outputs[0].data == V{120, 20, -128, -128});
  CHECK(run.saturations[0] == 2);

  // The activation clamp is separate and not counted: act_bits 4 is [-8, 7].
  QuantizedNetwork small = qnet("[1, 1, 4]", layer, 4, 48);
  small.layers[0].weights = {1};
  small.layers[0].bias = {0};
  run = run_golden(small, tensor({1, 1, 4}, {7, 8, -8, -9}));
  CHECK(run.outputs[0].data == V{7, 7, -8, -8});
  CHECK(run.saturations[0] == 0);
}

TEST_CASE("golden avgpool: padding counts as zero, halves round up") {
  QuantizedNetwork qn = qnet("[6, 2, 2]", R"({"name": "p", "type": "avgpool", "kernel": 2})");
  const Tensor<int16_t> x = tensor({6, 2, 2}, {1, 2, 2, 2,       // 7/4 = 1.75 -> 2
                                               1, 1, 1, -1,      // 0.5 -> 1
                                               -1, -1, -1, 1,    // -0.5 -> 0
                                               -1, -1, -1, -2,   // -1.25 -> -1
                                               -2, -2, -1, -1,   // -1.5 -> -1
                                               -3, -3, -3, -1}); // -2.5 -> -2
  CHECK(run_golden(qn, x).outputs[0].data == V{2, 1, 0, -1, -1, -2});

  QuantizedNetwork padded = qnet("[1, 2, 2]", R"({"name": "p", "type": "avgpool", "kernel": 2, "pad": 1})");
  // Each window holds one real value and three zeros of padding: 5 / 4 = 1.25 -> 1, 6/4 -> 2.
  CHECK(run_golden(padded, tensor({1, 2, 2}, {5, 6, -6, -7})).outputs[0].data == V{1, 2, -1, -2});

  QuantizedNetwork global = qnet("[1, 3, 3]", R"({"name": "p", "type": "avgpool", "global": true})");
  CHECK(run_golden(global, tensor({1, 3, 3}, {1, 1, 1, 1, 1, 1, 1, 1, 5})).outputs[0].data == V{1});   // 13/9
  CHECK(run_golden(global, tensor({1, 3, 3}, {2, 2, 2, 2, 2, 2, 2, 2, 5})).outputs[0].data == V{2});   // 21/9
}

TEST_CASE("golden maxpool: padding is ignored, not a zero") {
  QuantizedNetwork qn = qnet("[1, 2, 2]", R"({"name": "p", "type": "maxpool", "kernel": 2, "pad": 1})");
  CHECK(run_golden(qn, tensor({1, 2, 2}, {-5, -6, -7, -8})).outputs[0].data == V{-5, -6, -7, -8});
  QuantizedNetwork s = qnet("[1, 3, 3]", R"({"name": "p", "type": "maxpool", "kernel": 2, "stride": 1})");
  CHECK(run_golden(s, tensor({1, 3, 3}, {1, 9, 2, -3, 4, 8, 0, 7, -1})).outputs[0].data == V{9, 9, 7, 8});
}

TEST_CASE("golden add: inputs aligned to the finer format, then requantized") {
  // a at frac 2 (the network input), b at frac 4 (a 1x1 conv with weight 1, w_frac 4).
  QuantizedNetwork qn = qnet("[1, 1, 3]", R"({"name": "b", "type": "conv", "out_channels": 1, "kernel": 1},
                                            {"name": "a", "type": "add", "inputs": ["input", "b"]})");
  qn.input.frac = 2;
  qn.layers[0].weights = {1};
  qn.layers[0].w_frac = 2;  // b = x at frac 2 + 2
  qn.layers[0].bias = {0};
  qn.layers[0].out.frac = 4;
  qn.layers[1].out.frac = 3;
  // b == x numerically (x * 1 at frac 4); aligned: x << 2 + x = 5x at frac 4; >> 1 to frac 3.
  const Tensor<int16_t> x = tensor({1, 1, 3}, {3, -3, 1});
  GoldenRun run = run_golden(qn, x);
  CHECK(run.outputs[0].data == V{3, -3, 1});
  CHECK(run.outputs[1].data == V{8, -7, 3});  // 7.5 -> 8, -7.5 -> -7, 2.5 -> 3
  qn.net.layers[1].relu = true;
  CHECK(run_golden(qn, x).outputs[1].data == V{8, 0, 3});
  qn.layers[1].out.frac = 5;  // finer than F = 4: not a right shift
  CHECK_THROWS_AS(run_golden(qn, x), std::invalid_argument);
}

TEST_CASE("golden concat, relu, flatten") {
  QuantizedNetwork qn = qnet("[1, 1, 2]", R"({"name": "b", "type": "conv", "out_channels": 2, "kernel": 1},
                                            {"name": "k", "type": "concat", "inputs": ["input", "b"]},
                                            {"name": "r", "type": "relu"},
                                            {"name": "f", "type": "flatten"})");
  qn.input.frac = 3;
  qn.layers[0].weights = {1, 2};
  qn.layers[0].w_frac = 2;
  qn.layers[0].bias = {0, 1};
  qn.layers[0].out.frac = 5;  // b = [x, 2x + 1] at frac 5
  for (int i = 1; i < 4; ++i) qn.layers[size_t(i)].out.frac = 3;
  GoldenRun run = run_golden(qn, tensor({1, 1, 2}, {13, -6}));
  CHECK(run.outputs[0].data == V{13, -6, 27, -11});
  // input channel first unchanged; b >> 2: 13/4 = 3.25 -> 3, -1.5 -> -1, 6.75 -> 7, -2.75 -> -3
  CHECK(run.outputs[1].shape == Shape{3, 1, 2});
  CHECK(run.outputs[1].data == V{13, -6, 3, -1, 7, -3});
  CHECK(run.outputs[2].data == V{13, 0, 3, 0, 7, 0});
  CHECK(run.outputs[3].shape == Shape{6, 1, 1});
  CHECK(run.outputs[3].data == run.outputs[2].data);
  // Pass-through layers must keep their input format.
  qn.layers[2].out.frac = 4;
  CHECK_THROWS_AS(run_golden(qn, tensor({1, 1, 2}, {13, -6})), std::invalid_argument);
}

TEST_CASE("golden: refuses inconsistent networks and inputs") {
  QuantizedNetwork qn = qnet("[1, 1, 2]", R"({"name": "c", "type": "conv", "out_channels": 1, "kernel": 1})");
  qn.layers[0].weights = {1, 2};  // one too many
  qn.layers[0].bias = {0};
  CHECK_THROWS_AS(run_golden(qn, tensor({1, 1, 2}, {1, 2})), std::invalid_argument);
  qn.layers[0].weights = {1};
  CHECK_THROWS_AS(run_golden(qn, tensor({1, 2, 1}, {1, 2})), std::invalid_argument);
  qn.acc_bits = 63;
  CHECK_THROWS_AS(run_golden(qn, tensor({1, 1, 2}, {1, 2})), std::invalid_argument);
}
