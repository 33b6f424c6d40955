// Evaluation on Fashion-MNIST and post-training quantization with the bit-width search, on a
// hand-built nearest-centroid classifier (no training needed).
#include <catch2/catch.hpp>

#include <cmath>

#include "quant/eval.h"
#include "quant/image_input.h"
#include "quant/ptq.h"
#include "quant_test_util.h"

using namespace shiftsim::quant;
using shiftsim::quant::test::input_error_of;
using shiftsim::quant::test::parse_text;
using Catch::Matchers::Contains;

namespace {
// fc(x) = <mu_c, x> - |mu_c|^2 / 2: argmax is the nearest class mean. A 2x2 average pool in front
// gives the search a second tensor.
FloatNetwork centroid_classifier() {
  const ImageSet train = load_fashion_mnist("train", 3000);
  FloatNetwork f;
  f.net = parse_text(R"({"name": "centroid", "input": {"shape": [1, 28, 28]}, "layers": [
    {"name": "pool", "type": "avgpool", "kernel": 2},
    {"name": "flat", "type": "flatten"},
    {"name": "fc", "type": "fc", "out_features": 10}]})");
  f.params.resize(3);
  const size_t n = 14 * 14;
  std::vector<double> sum(10 * n, 0.0), count(10, 0.0);
  for (size_t i = 0; i < train.count(); ++i) {
    const Tensor<float> x = image_to_input(train, i);
    const int c = train.labels[i];
    count[size_t(c)] += 1;
    for (size_t y = 0; y < 14; ++y)
      for (size_t xx = 0; xx < 14; ++xx)
        sum[size_t(c) * n + y * 14 + xx] += (x.at(0, int(2 * y), int(2 * xx)) + x.at(0, int(2 * y), int(2 * xx + 1)) +
                                             x.at(0, int(2 * y + 1), int(2 * xx)) + x.at(0, int(2 * y + 1), int(2 * xx + 1))) / 4;
  }
  for (int c = 0; c < 10; ++c) {
    double norm = 0;
    for (size_t k = 0; k < n; ++k) {
      const double mu = sum[size_t(c) * n + k] / count[size_t(c)];
      f.params[2].weights.push_back(float(mu / 64));  // small weights, like a trained layer
      norm += mu * mu;
    }
    f.params[2].bias.push_back(float(-norm / 2 / 64));
  }
  return f;
}
}  // namespace

TEST_CASE("eval: a nearest-centroid classifier is far above chance, float and quantized") {
  const FloatNetwork f = centroid_classifier();
  const ImageSet test = load_fashion_mnist("test", 500);
  const EvalResult fr = evaluate_float(f, test);
  CHECK(fr.total == 500);
  CHECK(fr.accuracy() > 0.55);
  CHECK(evaluate_float(f, test, 100, 1).total == 100);
  CHECK(evaluate_float(f, test, 0, 1).correct == fr.correct);  // threads do not matter
  PtqOptions o;
  const QuantizedNetwork qn = quantize_ptq(f, o, calibration_inputs(load_fashion_mnist("train", 64), 64));
  const EvalResult qr = evaluate_quantized(qn, test);
  CHECK(std::fabs(qr.accuracy() - fr.accuracy()) < 0.02);
  // argmax ties go to the lowest index
  CHECK(argmax(std::vector<int16_t>{3, 7, 7, 1}) == 1);
  CHECK(argmax(std::vector<float>{}) == -1);
}

TEST_CASE("eval: a network that does not fit the images is an InputError") {
  FloatNetwork f;
  f.net = parse_text(R"({"name": "n", "input": {"shape": [1, 28, 28]}, "layers": [
    {"name": "fl", "type": "flatten"}, {"name": "fc", "type": "fc", "out_features": 4}]})");
  f.params.resize(2);
  f.params[1].weights.assign(4 * 784, 0.0f);
  f.params[1].bias.assign(4, 0.0f);
  const ImageSet test = load_fashion_mnist("test", 50);
  CHECK_THAT(input_error_of([&] { evaluate_float(f, test); }), Contains("4 outputs for 10 classes"));
}

TEST_CASE("ptq: activation formats come from calibration ranges") {
  const FloatNetwork f = centroid_classifier();
  const std::vector<Tensor<float>> calib = calibration_inputs(load_fashion_mnist("train", 32), 32);
  const ActivationRanges r = measure_ranges(f, calib);
  CHECK(r.input == Approx(1.0));  // images span [-1, 1]
  PtqOptions o;
  o.act_bits = 8;
  o.weight_bits = 8;
  const QuantizedNetwork qn = quantize_ptq(f, o, calib);
  CHECK(qn.input.frac == range_frac(1.0, 8));  // 6: 1.0 * 2^6 = 64 <= 127
  CHECK(qn.layers[0].out.frac == qn.input.frac);  // pools keep their format
  const QLayer& fc = qn.layers[2];
  CHECK(fc.out.frac == std::min(range_frac(r.layers[2], 8), qn.input.frac + fc.w_frac));
  CHECK(fc.weight_bits == 8);
  // Power-of-two methods and the first/last option
  o.method = WeightMethod::nbq;
  o.weight_bits = 3;
  CHECK(quantize_ptq(f, o, calib).layers[2].weight_kind == WeightKind::pow2);
  o.first_last_fixed_bits = 8;
  const QuantizedNetwork fl = quantize_ptq(f, o, calib);
  CHECK(fl.layers[2].weight_kind == WeightKind::fixed);
  CHECK(fl.layers[2].weight_bits == 8);
  o.weight_bits = 7;
  CHECK_THAT(input_error_of([&] { quantize_ptq(f, o, calib); }), Contains("weight bits"));
  CHECK_THAT(input_error_of([&] { parse_weight_method("int8"); }), Contains("int8"));
}

TEST_CASE("ptq: the bit-width search respects its tolerance and saves memory") {
  const FloatNetwork f = centroid_classifier();
  const std::vector<Tensor<float>> calib = calibration_inputs(load_fashion_mnist("train", 32), 32);
  const ImageSet eval = load_fashion_mnist("test", 300);
  for (double tol : {0.0, 0.03}) {
    INFO("tolerance " << tol);
    BitSearchOptions s;
    s.tolerance = tol;
    const BitSearchResult r = search_bit_widths(f, PtqOptions{}, calib, eval, 0, s);
    CHECK(r.met);
    CHECK(r.accuracy >= r.float_accuracy - tol);
    CHECK(r.accuracy == evaluate_quantized(r.qn, eval).accuracy());
    CHECK(r.weight_bits[2] < 16);
    CHECK(r.weight_bits[0] == 0);
    CHECK(r.act_bits <= 16);
    CHECK(r.footprint.ratio() < 0.6);
    CHECK(r.footprint.float_bits == 32 * (10 * 196 + 10));
  }
}
