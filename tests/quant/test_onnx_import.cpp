// ONNX import: libonnx-testdata models run through the importer and the float executor against
// their shipped reference outputs; refusals of test data the IR cannot express, naming the
// file, node, operator and attribute; damaged files. Models built in the test are in
// test_onnx_built.cpp.
#include <catch2/catch.hpp>

#include <filesystem>

#include "quant/float_model.h"
#include "quant/model_file.h"
#include "onnx_test_util.h"
#include "quant_test_util.h"

using namespace shiftsim::quant;
using namespace shiftsim::quant::test;
using Catch::Matchers::Contains;

namespace {

void check_all(const std::vector<std::string>& cases) {
  REQUIRE(std::filesystem::is_directory(kOnnxData));  // Debian libonnx-testdata
  for (const std::string& rel : cases) {
    INFO(rel);
    CHECK(check_reference(rel) == "");
  }
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
      {"node/test_simple_rnn_defaults", {"(RNN)", "not supported"}},
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
  const std::string rnn = kOnnxData + "node/test_simple_rnn_defaults/model.onnx";
  CHECK_THAT(input_error_of([&] { import_onnx(rnn); }),
             Contains(rnn) && Contains("operator RNN is not supported"));
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
             Contains("missing.onnx: cannot open file: no such file"));
  CHECK_THAT(input_error_of([&] { import_onnx(dir.path()); }), Contains("not a regular file"));
}
