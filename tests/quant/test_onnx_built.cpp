// ONNX import of models built here for what the libonnx-testdata models cannot show (Add and
// Concat of two computed tensors, batch-norm folding, bias folding), against a direct
// reference; refusals that name the node, operator and attribute; and the --float model.onnx
// commands.
#include <catch2/catch.hpp>

#include <cmath>

#include "quant/float_model.h"
#include "quant/model_file.h"
#include "onnx_test_util.h"
#include "quant_test_util.h"
#include "sim/eval_command.h"
#include "sim/quantize_command.h"

using namespace shiftsim::quant;
using namespace shiftsim::quant::test;
using Catch::Matchers::Contains;

namespace {

// Deterministic values in [-1, 1).
std::vector<float> values(size_t n, uint32_t seed) {
  std::vector<float> v(n);
  for (float& x : v) {
    seed = seed * 1664525u + 1013904223u;
    x = float(seed >> 8) / float(1 << 23) - 1.0f;
  }
  return v;
}

// Stride-1 direct convolution of x [C][H][W] (no groups): the reference for built models,
// independent of the float executor's im2col.
std::vector<float> direct_conv(const std::vector<float>& x, int C, int H, int W,
                               const std::vector<float>& w, const std::vector<float>& b, int M,
                               int K, int pad) {
  const int ho = H + 2 * pad - K + 1, wo = W + 2 * pad - K + 1;
  std::vector<float> y(size_t(M * ho * wo));
  for (int m = 0; m < M; ++m)
    for (int oy = 0; oy < ho; ++oy)
      for (int ox = 0; ox < wo; ++ox) {
        double s = b[size_t(m)];
        for (int c = 0; c < C; ++c)
          for (int ky = 0; ky < K; ++ky)
            for (int kx = 0; kx < K; ++kx) {
              const int iy = oy + ky - pad, ix = ox + kx - pad;
              if (iy >= 0 && iy < H && ix >= 0 && ix < W)
                s += double(w[size_t(((m * C + c) * K + ky) * K + kx)]) * x[size_t((c * H + iy) * W + ix)];
            }
        y[size_t((m * ho + oy) * wo + ox)] = float(s);
      }
  return y;
}

std::vector<float> run_one(const FloatNetwork& f, const std::vector<float>& x) {
  Tensor<float> t(f.net.input);
  t.data = x;
  return run_float(f, t).back().data;
}

std::string refusal(const OnnxBuilder& b) {
  return input_error_of([&] { import_onnx_model(b.model(), "built.onnx"); });
}

}  // namespace

TEST_CASE("onnx import folds batch norm into the conv before it and fuses the relu") {
  OnnxBuilder b("x", {1, 2, 5, 5});
  const std::vector<float> w = values(54, 1), bias = values(3, 2);
  const std::vector<float> gamma{1.5f, -0.5f, 2.0f}, beta{0.1f, 0.2f, -0.3f},
      mean{0.05f, -0.1f, 0.2f}, var{0.5f, 2.0f, 0.25f};
  b.init("W", {3, 2, 3, 3}, w);
  b.init("B", {3}, bias);
  for (auto [name, v] : {std::pair{"g", &gamma}, {"be", &beta}, {"mu", &mean}, {"var", &var}})
    b.init(name, {3}, *v);
  OnnxBuilder::attr(b.node("Conv", {"x", "W", "B"}, "c", "conv1"), "pads", {1, 1, 1, 1});
  b.node("BatchNormalization", {"c", "g", "be", "mu", "var"}, "n", "bn1");
  b.node("Relu", {"n"}, "y", "relu1");
  b.output("y");
  const FloatNetwork f = import_onnx_model(b.model(), "built.onnx");
  REQUIRE(f.net.layers.size() == 1);
  CHECK(f.net.layers[0].type == LayerType::conv);
  CHECK(f.net.layers[0].relu);
  const std::vector<float> x = values(50, 3);
  const std::vector<float> conv = direct_conv(x, 2, 5, 5, w, bias, 3, 3, 1);
  std::vector<float> want(conv.size());
  for (size_t i = 0; i < conv.size(); ++i) {
    const size_t m = i / 25;
    const double v = gamma[m] * (conv[i] - mean[m]) / std::sqrt(var[m] + 1e-5) + beta[m];
    want[i] = float(std::max(v, 0.0));
  }
  CHECK(mismatch(run_one(f, x), want) == "");
}

TEST_CASE("onnx import keeps batch norm as its own layer when folding is off") {
  OnnxBuilder b("x", {1, 2, 5, 5});
  const std::vector<float> w = values(54, 1), bias = values(3, 2);
  b.init("W", {3, 2, 3, 3}, w);
  b.init("B", {3}, bias);
  b.init("g", {3}, {1.5f, -0.5f, 2.0f});
  b.init("be", {3}, {0.1f, 0.2f, -0.3f});
  b.init("mu", {3}, {0.05f, -0.1f, 0.2f});
  b.init("var", {3}, {0.5f, 2.0f, 0.25f});
  OnnxBuilder::attr(b.node("Conv", {"x", "W", "B"}, "c", "conv1"), "pads", {1, 1, 1, 1});
  b.node("BatchNormalization", {"c", "g", "be", "mu", "var"}, "n", "bn1");
  b.node("Relu", {"n"}, "y", "relu1");
  b.output("y");
  OnnxImportOptions keep;
  keep.fold_batch_norm = false;
  const FloatNetwork folded = import_onnx_model(b.model(), "built.onnx");
  const FloatNetwork kept = import_onnx_model(b.model(), "built.onnx", keep);
  REQUIRE(folded.net.layers.size() == 1);
  REQUIRE(kept.net.layers.size() == 2);
  CHECK_FALSE(kept.net.layers[0].relu);
  CHECK(kept.net.layers[1].groups == 3);  // 1x1 depthwise: the normalisation per channel
  CHECK(kept.net.layers[1].relu);
  CHECK(kept.params[0].weights == w);  // the conv keeps its own weights
  const std::vector<float> x = values(50, 3);
  CHECK(mismatch(run_one(kept, x), run_one(folded, x)) == "");
}

TEST_CASE("onnx batch norm that cannot fold becomes a depthwise 1x1 conv") {
  // The conv's output is also read by the Add, so folding would change what the Add sees.
  OnnxBuilder b("x", {1, 2, 4, 4});
  const std::vector<float> w = values(6, 4), bias = values(3, 5);
  b.init("W", {3, 2, 1, 1}, w);
  b.init("B", {3}, bias);
  b.init("g", {3}, {2.0f, 1.0f, 0.5f});
  b.init("be", {3}, {0.0f, 1.0f, -1.0f});
  b.init("mu", {3}, {0.5f, 0.0f, 0.25f});
  b.init("var", {3}, {1.0f, 4.0f, 0.5f});
  b.node("Conv", {"x", "W", "B"}, "c");
  b.node("BatchNormalization", {"c", "g", "be", "mu", "var"}, "n");
  b.node("Add", {"n", "c"}, "y");
  b.output("y");
  const FloatNetwork f = import_onnx_model(b.model(), "built.onnx");
  REQUIRE(f.net.layers.size() == 3);
  CHECK(f.net.layers[1].type == LayerType::conv);
  CHECK(f.net.layers[1].groups == 3);
  CHECK(f.net.layers[2].type == LayerType::add);
  CHECK(f.net.layers[0].name == "conv_0");  // unnamed nodes: op and index
  const std::vector<float> x = values(32, 6);
  const std::vector<float> c = direct_conv(x, 2, 4, 4, w, bias, 3, 1, 0);
  const float g[] = {2, 1, 0.5f}, be[] = {0, 1, -1}, mu[] = {0.5f, 0, 0.25f}, va[] = {1, 4, 0.5f};
  std::vector<float> want(c.size());
  for (size_t i = 0; i < c.size(); ++i) {
    const size_t m = i / 16;
    want[i] = float(g[m] * (c[i] - mu[m]) / std::sqrt(va[m] + 1e-5) + be[m] + c[i]);
  }
  CHECK(mismatch(run_one(f, x), want) == "");
}

TEST_CASE("onnx add and concat of two branches with the relu fused into the add") {
  OnnxBuilder b("x", {1, 2, 4, 4});
  const std::vector<float> w1 = values(6, 7), w2 = values(6, 8), zero(3, 0.0f);
  b.init("W1", {3, 2, 1, 1}, w1);
  b.init("W2", {3, 2, 1, 1}, w2);
  b.node("Conv", {"x", "W1"}, "a", "a");
  b.node("Conv", {"x", "W2"}, "b", "b");
  b.node("Add", {"a", "b"}, "s", "sum");
  b.node("Relu", {"s"}, "r", "r");
  OnnxBuilder::attr(b.node("Concat", {"r", "a"}, "y", "cat"), "axis", int64_t(-3));
  b.output("y");
  const FloatNetwork f = import_onnx_model(b.model(), "built.onnx");
  REQUIRE(f.net.layers.size() == 4);
  CHECK(f.net.layers[2].type == LayerType::add);
  CHECK(f.net.layers[2].relu);
  CHECK(f.net.layers[3].out_shape == Shape{6, 4, 4});
  const std::vector<float> x = values(32, 9);
  const std::vector<float> a = direct_conv(x, 2, 4, 4, w1, zero, 3, 1, 0),
                           c = direct_conv(x, 2, 4, 4, w2, zero, 3, 1, 0);
  std::vector<float> want;
  for (size_t i = 0; i < a.size(); ++i) want.push_back(std::max(a[i] + c[i], 0.0f));
  want.insert(want.end(), a.begin(), a.end());
  CHECK(mismatch(run_one(f, x), want) == "");
}

TEST_CASE("onnx matmul with a constant add folds the add into the fc bias") {
  // How newer PyTorch exports Linear: Flatten, MatMul, Add(bias).
  OnnxBuilder b("x", {1, 1, 4, 4});
  const std::vector<float> w = values(48, 10), bias{0.5f, -0.25f, 1.0f};
  b.init("W", {16, 3}, w);
  b.init("bias", {3}, bias);
  b.node("Flatten", {"x"}, "f");
  b.node("MatMul", {"f", "W"}, "m");
  b.node("Add", {"bias", "m"}, "y0");
  b.node("Relu", {"y0"}, "y");
  b.output("y");
  const FloatNetwork f = import_onnx_model(b.model(), "built.onnx");
  REQUIRE(f.net.layers.size() == 2);
  CHECK(f.net.layers[0].type == LayerType::flatten);
  CHECK(f.net.layers[1].type == LayerType::fc);
  CHECK(f.net.layers[1].relu);
  const std::vector<float> x = values(16, 11);
  std::vector<float> want(3);
  for (int m = 0; m < 3; ++m) {
    double s = bias[size_t(m)];
    for (int k = 0; k < 16; ++k) s += double(x[size_t(k)]) * w[size_t(k * 3 + m)];
    want[size_t(m)] = float(std::max(s, 0.0));
  }
  CHECK(mismatch(run_one(f, x), want) == "");
}

TEST_CASE("onnx import refuses what the IR cannot hold in built models") {
  auto base = [] {
    OnnxBuilder b("x", {1, 2, 4, 4});
    b.init("W", {3, 2, 1, 1}, values(6, 12));
    b.node("Conv", {"x", "W"}, "c", "c");
    return b;
  };
  OnnxBuilder cat = base();
  OnnxBuilder::attr(cat.node("Concat", {"c", "c"}, "y", "cat"), "axis", int64_t(2));
  cat.output("y");
  CHECK_THAT(refusal(cat), Contains("built.onnx: node \"cat\" (Concat): attribute axis = 2"));
  OnnxBuilder bcast = base();
  bcast.node("GlobalAveragePool", {"c"}, "p", "gap");
  bcast.node("Add", {"c", "p"}, "y", "add");
  bcast.output("y");
  CHECK_THAT(refusal(bcast), Contains("(Add): inputs are [3, 4, 4] and [3, 1, 1]"));
  OnnxBuilder konst("x", {1, 3});
  konst.init("k", {3}, {1, 2, 3});
  konst.node("Add", {"x", "k"}, "y", "add");
  konst.output("y");
  CHECK_THAT(refusal(konst), Contains("(Add): adds a constant"));
  OnnxBuilder attr = base();
  OnnxBuilder::attr(attr.node("Relu", {"c"}, "y", "r"), "alpha", int64_t(1));
  attr.output("y");
  CHECK_THAT(refusal(attr), Contains("(Relu): attribute alpha = 1 is not one shiftsim reads"));
  OnnxBuilder two = base();
  two.node("Relu", {"c"}, "y", "r");
  two.output("y");
  two.output("c");
  CHECK_THAT(refusal(two), Contains("the graph has 2 outputs"));
  OnnxBuilder order = base();
  order.node("Relu", {"c"}, "y", "r");
  order.node("Relu", {"c"}, "z", "unused");
  order.output("y");
  CHECK_THAT(refusal(order), Contains("the IR's output is its last layer"));
  OnnxBuilder gap("x", {1, 2, 4, 6});
  gap.node("GlobalAveragePool", {"x"}, "y", "gap");
  gap.output("y");
  CHECK_THAT(refusal(gap), Contains("square"));
  OnnxBuilder missing = base();
  missing.node("Conv", {"c", "W9"}, "y", "c2");
  missing.output("y");
  CHECK_THAT(refusal(missing), Contains("input W (the weights) (\"W9\") is neither"));
}

TEST_CASE("onnx models work in quantize and eval through load_float_model") {
  // A small LeNet-like model on Fashion-MNIST's 1x28x28 input, written as a .onnx file.
  OnnxBuilder b("image", {1, 1, 28, 28}, 11);
  b.init("W1", {4, 1, 5, 5}, values(100, 13));
  b.init("B1", {4}, values(4, 14));
  for (const char* s : {"g", "be", "mu"}) b.init(s, {4}, values(4, 15));
  b.init("var", {4}, {1, 2, 3, 4});
  b.init("W2", {8, 4, 3, 3}, values(288, 16));
  b.init("W3", {10, 8}, values(80, 17));
  b.init("B3", {10}, values(10, 18));
  b.init_i64("shape", {0, -1});
  b.node("Conv", {"image", "W1", "B1"}, "c1", "conv1");
  b.node("BatchNormalization", {"c1", "g", "be", "mu", "var"}, "n1", "bn1");
  b.node("Relu", {"n1"}, "r1", "relu1");
  onnx::NodeProto& pool = b.node("MaxPool", {"r1"}, "p1", "pool1");
  OnnxBuilder::attr(pool, "kernel_shape", {2, 2});
  OnnxBuilder::attr(pool, "strides", {2, 2});
  OnnxBuilder::attr(b.node("Conv", {"p1", "W2"}, "c2", "conv2"), "pads", {1, 1, 1, 1});
  b.node("Relu", {"c2"}, "r2", "relu2");
  b.node("GlobalAveragePool", {"r2"}, "g2", "gap");
  b.node("Reshape", {"g2", "shape"}, "flat", "flatten");
  OnnxBuilder::attr(b.node("Gemm", {"flat", "W3", "B3"}, "logits", "fc"), "transB", int64_t(1));
  b.output("logits");
  TempDir dir("onnx_commands");
  const std::string path = dir.path() + "/lenet_like.onnx";
  b.save(path);

  const FloatNetwork f = shiftsim::sim::load_float_model(path);
  // conv1 (bn, relu), pool1, conv2 (relu), gap, fc: the reshape of gap's 8x1x1 to [N, 8] keeps
  // the IR layout, so it needs no layer.
  REQUIRE(f.net.layers.size() == 5);
  CHECK(f.net.name == "lenet_like");
  CHECK(f.net.layers[3].type == LayerType::avgpool);
  CHECK(f.net.layers[4].type == LayerType::fc);
  CHECK(f.net.layers[4].out_shape == Shape{10, 1, 1});
  const std::string ckpt = dir.path() + "/lenet_like.ssf";
  save_float_network(ckpt, f);
  CHECK(load_float_network(ckpt).params[4].weights == f.params[4].weights);

  shiftsim::sim::EvalRequest e;
  e.float_path = path;
  e.limit = 8;
  CHECK(shiftsim::sim::eval_command(e) == 0);
  shiftsim::sim::QuantizeRequest q;
  q.float_path = path;
  q.arch_path = std::string(SHIFTSIM_SOURCE_DIR) + "/configs/arch/svpe_zcu102.json";
  q.method = "nbq";
  q.calib_images = 4;
  q.out_path = dir.path() + "/lenet_like.ssq";
  REQUIRE(shiftsim::sim::quantize_command(q) == 0);
  CHECK(load_quantized_network(q.out_path).layers.size() == 5);
}
