// ONNX import: libonnx-testdata models run through the importer and the float executor against
// their shipped reference outputs; models built here for what the test data cannot show (Add and
// Concat of two computed tensors, batch-norm folding, bias folding); refusals that name the
// file, node, operator and attribute; damaged files; and the --float model.onnx commands.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

#include "quant/float_model.h"
#include "quant/model_file.h"
#include "onnx_test_util.h"
#include "quant_test_util.h"
#include "sim/eval_command.h"
#include "sim/quantize_command.h"

using namespace shiftsim::quant;
using namespace shiftsim::quant::test;
using shiftsim::InputError;
using Catch::Matchers::Contains;

namespace {

void check_all(const std::vector<std::string>& cases) {
  REQUIRE(std::filesystem::is_directory(kOnnxData));  // Debian libonnx-testdata
  for (const std::string& rel : cases) {
    INFO(rel);
    CHECK(check_reference(rel) == "");
  }
}

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

TEST_CASE("onnx import matches the libonnx-testdata conv models") {
  check_all({"node/test_basic_conv_with_padding", "node/test_basic_conv_without_padding",
             "node/test_conv_with_strides_no_padding", "node/test_conv_with_strides_padding",
             "node/test_conv_with_autopad_same", "pytorch-converted/test_Conv2d_depthwise",
             "pytorch-converted/test_Conv2d_depthwise_padded",
             "pytorch-converted/test_Conv2d_depthwise_strided",
             "pytorch-converted/test_Conv2d_depthwise_with_multiplier",
             "pytorch-converted/test_Conv2d_padding", "pytorch-converted/test_Conv2d_strided",
             "pytorch-operator/test_operator_conv"});
}

TEST_CASE("onnx import matches the libonnx-testdata gemm and matmul models") {
  check_all({"node/test_gemm_alpha", "node/test_gemm_beta", "node/test_gemm_default_no_bias",
             "node/test_gemm_default_scalar_bias", "node/test_gemm_default_single_elem_vector_bias",
             "node/test_gemm_default_vector_bias", "node/test_gemm_default_zero_bias",
             "node/test_gemm_transposeB", "node/test_matmul_2d", "pytorch-converted/test_Linear",
             "pytorch-converted/test_Linear_no_bias", "pytorch-operator/test_operator_mm"});
}

TEST_CASE("onnx import matches the libonnx-testdata pooling models") {
  check_all({"node/test_maxpool_2d_default", "node/test_maxpool_2d_pads",
             "node/test_maxpool_2d_precomputed_pads", "node/test_maxpool_2d_precomputed_same_upper",
             "node/test_maxpool_2d_precomputed_strides", "node/test_maxpool_2d_strides",
             "node/test_averagepool_2d_default", "node/test_averagepool_2d_pads_count_include_pad",
             "node/test_averagepool_2d_precomputed_pads_count_include_pad",
             "node/test_averagepool_2d_precomputed_strides", "node/test_averagepool_2d_strides",
             "node/test_globalaveragepool", "node/test_globalaveragepool_precomputed",
             "pytorch-converted/test_MaxPool2d", "pytorch-converted/test_AvgPool2d",
             "pytorch-converted/test_AvgPool2d_stride"});
}

TEST_CASE("onnx import matches the libonnx-testdata relu batchnorm flatten and reshape models") {
  check_all({"node/test_relu", "pytorch-converted/test_ReLU", "simple/test_single_relu_model",
             "node/test_batchnorm_epsilon", "node/test_batchnorm_example",
             "pytorch-converted/test_BatchNorm2d_eval",
             "pytorch-converted/test_BatchNorm2d_momentum_eval",
             "pytorch-converted/test_BatchNorm1d_3d_input_eval", "node/test_flatten_axis1",
             "node/test_flatten_default_axis", "node/test_flatten_negative_axis3",
             "pytorch-operator/test_operator_flatten", "node/test_reshape_reduced_dims"});
}

TEST_CASE("onnx reference comparison detects a perturbed weight") {
  // The comparison the tests above rely on can fail: one weight off by 1% shows.
  const OnnxCase c = load_case("pytorch-converted/test_Conv2d_padding");
  FloatNetwork f = import_onnx_model(c.model, c.model_path);
  REQUIRE(mismatch(run_batch(f, c.input), floats_of(c.output)) == "");
  f.params[0].weights[5] *= 1.01f;
  CHECK_THAT(mismatch(run_batch(f, c.input), floats_of(c.output)), Contains("values differ"));
}

TEST_CASE("onnx import refuses testdata models the IR cannot express and names what") {
  struct Refused {
    const char* rel;
    std::vector<const char*> says;
  };
  const std::vector<Refused> cases = {
      {"node/test_sigmoid", {"(Sigmoid)", "operator Sigmoid is not supported"}},
      {"node/test_lstm_defaults", {"(LSTM)", "not supported"}},
      {"pytorch-converted/test_Conv2d_dilated", {"(Conv)", "attribute dilations = [2, 2]"}},
      {"node/test_maxpool_2d_dilations", {"(MaxPool)", "dilations = [2, 2]"}},
      {"pytorch-converted/test_Conv2d", {"(Conv)", "kernel_shape = [3, 2]", "square"}},
      {"node/test_conv_with_strides_and_asymmetric_padding", {"pads = [1, 0, 1, 0]"}},
      {"node/test_maxpool_2d_ceil", {"(MaxPool)", "ceil_mode = 1"}},
      {"node/test_averagepool_2d_same_upper", {"(AveragePool)", "auto_pad = SAME_UPPER", "[0, 0, 1, 1]"}},
      {"node/test_averagepool_2d_pads", {"count_include_pad (absent)"}},
      {"node/test_gemm_transposeA", {"(Gemm)", "transA = 1"}},
      {"node/test_gemm_default_matrix_bias", {"bias C is [3, 4]"}},
      {"node/test_matmul_3d", {"(MatMul)", "[3, 4] per sample"}},
      {"node/test_flatten_axis0", {"(Flatten)", "axis = 0", "batch"}},
      {"node/test_flatten_axis2", {"axis = 2"}},
      {"node/test_reshape_extended_dims", {"(Reshape)", "[3, 4] -> [3, 2, 2]"}},
      {"node/test_batchnorm_example_training_mode", {"(BatchNormalization)", "training_mode = 1"}},
      {"node/test_maxpool_2d_uint8", {"UINT8", "float32"}},
      {"node/test_maxpool_with_argmax_2d_precomputed_pads", {"output 1 (\"z\")"}},
      {"pytorch-converted/test_Conv1d", {"(Conv)", "[4, 10] per sample"}},
      {"node/test_maxpool_3d_default", {"[3, 32, 32, 32] per sample", "at most [C, H, W]"}},
      {"node/test_concat_2d_axis_1", {"(Concat)", "is a constant"}},
  };
  for (const Refused& r : cases) {
    INFO(r.rel);
    const OnnxCase c = load_case(r.rel);
    const std::string msg = input_error_of([&] { import_onnx_model(c.model, c.model_path); });
    CHECK_THAT(msg, Contains(c.model_path));
    for (const char* s : r.says) CHECK_THAT(msg, Contains(s));
  }
  // Through the file, weights not bound: the operator is still what is named, and a second
  // run-time input is refused (the IR has one network input).
  const std::string lstm = kOnnxData + "node/test_lstm_defaults/model.onnx";
  CHECK_THAT(input_error_of([&] { import_onnx(lstm); }),
             Contains(lstm) && Contains("operator LSTM is not supported"));
  const std::string add = kOnnxData + "node/test_add/model.onnx";
  CHECK_THAT(input_error_of([&] { import_onnx(add); }),
             Contains(add) && Contains("2 run-time inputs (x, y)"));
}

TEST_CASE("onnx import refuses truncated and foreign files with a message") {
  TempDir dir("onnx_damaged");
  const std::string src = kOnnxData + "pytorch-converted/test_Conv2d_padding/model.onnx";
  std::ifstream in(src, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  REQUIRE(bytes.size() > 100);
  const std::string path = dir.path() + "/cut.onnx";
  size_t refused = 0;
  for (size_t n = 0; n < bytes.size(); ++n) {  // every proper prefix
    write_file(path, bytes.substr(0, n));
    const std::string msg = input_error_of([&] { import_onnx(path); });
    if (msg.find(path) == 0) ++refused;
    else INFO(n << " bytes: " << msg);
  }
  CHECK(refused == bytes.size());
  write_file(path, bytes);
  CHECK_NOTHROW(import_onnx(path));

  write_file(path, "SHSIMFLT not protobuf at all \x01\x02\xff\xff\xff\xff\xff");
  CHECK_THAT(input_error_of([&] { import_onnx(path); }), Contains("not a valid ONNX model"));
  CHECK_THAT(input_error_of([&] { import_onnx(dir.path() + "/missing.onnx"); }),
             Contains("missing.onnx: cannot read the ONNX model: no such file"));
  CHECK_THAT(input_error_of([&] { import_onnx(dir.path()); }), Contains("not a regular file"));
}

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
