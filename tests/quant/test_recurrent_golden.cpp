// The golden integer executor of sequence networks: hand-worked lstm and gru steps, agreement
// with the float executor at wide widths (and error growing as widths shrink), determinism,
// saturation counting, refusals, and the memory footprint.
#include <catch2/catch.hpp>

#include <cmath>

#include "onnx_test_util.h"
#include "quant/fixed_act.h"
#include "quant/float_exec.h"
#include "quant/recurrent_golden.h"
#include "quant/recurrent_quantize.h"
#include "quant_test_util.h"

using namespace shiftsim::quant;
using namespace shiftsim::quant::test;
using Catch::Matchers::Contains;

namespace {

constexpr FixedFormat kQ14{16, 14}, kQ12{16, 12};

QTensor q14(std::vector<int32_t> v) { return {kQ14, std::move(v)}; }

// One step, one unit, one feature; every tensor Q16.14 except the gates' Q16.12.
RecurrentQuantizedNetwork unit_network(const std::string& type, bool lbr = false) {
  const std::string extra = type == "gru" ? std::string(R"(, "linear_before_reset": )") + (lbr ? "true" : "false") : "";
  RecurrentQuantizedNetwork qn;
  qn.net = parse_text(R"({"name": "u", "input": {"shape": [1, 1, 1]}, "layers": [{"name": "r", "type": ")" +
                      type + R"(", "hidden_size": 1, "initial_state": true)" + extra + "}]}");
  qn.input = kQ14;
  RecurrentQLayer q;
  const int G = type == "lstm" ? 4 : 3;
  q.weights = q14(std::vector<int32_t>(size_t(G), 0));
  q.recurrent = q14(std::vector<int32_t>(size_t(G), 0));
  q.bias = q14(std::vector<int32_t>(size_t(2 * G), 0));
  q.out = q.cell = q.sigmoid_out = q.tanh_out = q.reset_product = kQ14;
  q.gates.assign(size_t(G), kQ12);
  q.h0 = q14({0});
  if (type == "lstm") q.c0 = q14({0});
  qn.layers.push_back(q);
  return qn;
}

int32_t run_one(const RecurrentQuantizedNetwork& qn, int32_t x) {
  Tensor<int32_t> in(qn.net.input);
  in.data = {x};
  return run_recurrent_golden(qn, in).outputs.back().data[0];
}

// A float network from JSON layers on a [T, F, 1] input, random weights.
FloatNetwork random_net(const std::string& input, const std::string& layers, uint64_t seed) {
  return generate_weights(parse_text(R"({"name": "s", "input": {"shape": )" + input +
                                     R"(}, "layers": [)" + layers + "]}"), seed);
}

std::vector<Tensor<float>> inputs(const FloatNetwork& f, int n, uint64_t seed) {
  std::vector<Tensor<float>> v;
  for (int k = 0; k < n; ++k) {
    Tensor<float> x = generate_input(f.net.input, seed + uint64_t(k));
    if (f.net.layers[0].type == LayerType::embedding)
      for (size_t i = 0; i < x.data.size(); ++i)
        x.data[i] = float(int((x.data[i] + 1) * 0.5f * float(f.net.layers[0].vocab_size)) % f.net.layers[0].vocab_size);
    v.push_back(x);
  }
  return v;
}

// max |golden - float| over the network output of every input.
double max_output_error(const FloatNetwork& f, const RecurrentQuantizedNetwork& qn,
                        const std::vector<Tensor<float>>& xs) {
  double e = 0;
  for (const Tensor<float>& x : xs) {
    const std::vector<float> want = run_float(f, x).back().data;
    const RecurrentGoldenRun r = run_recurrent_golden(qn, quantize_sequence_input(x, qn.input));
    const std::vector<float> got = dequantize(r.outputs.back(), qn.layers.back().out);
    for (size_t i = 0; i < got.size(); ++i) e = std::max(e, std::fabs(double(got[i]) - want[i]));
  }
  return e;
}

RecurrentQuantOptions all_bits(const FloatNetwork& f, int bits) {
  RecurrentQuantOptions o;
  for (const Layer& l : f.net.layers) {
    RecurrentTensorBits b;
    b.weights = b.recurrent = b.peepholes = b.bias = b.out = b.cell = b.sigmoid_out = b.tanh_out =
        b.reset_product = bits;
    b.gates.assign(size_t(gate_count(l.type)), bits);
    o.layers.push_back(b);
  }
  o.input_bits = bits;
  return o;
}

const char* kVariants[] = {
    R"({"name": "l", "type": "lstm", "hidden_size": 6})",
    R"({"name": "l", "type": "lstm", "hidden_size": 6, "peepholes": true, "direction": "reverse", "output": "sequence"})",
    R"({"name": "g", "type": "gru", "hidden_size": 6})",
    R"({"name": "g", "type": "gru", "hidden_size": 6, "linear_before_reset": true, "output": "sequence"})",
    R"({"name": "g", "type": "gru", "hidden_size": 6, "direction": "reverse", "initial_state": true})",
    R"({"name": "l", "type": "lstm", "hidden_size": 6, "initial_state": true}, {"name": "fc", "type": "fc", "out_features": 3})",
    R"({"name": "g", "type": "gru", "hidden_size": 6, "output": "sequence"}, {"name": "fc", "type": "fc", "out_features": 4, "per_step": true})",
};

}  // namespace

TEST_CASE("recurrent golden: an lstm step worked by hand") {
  RecurrentQuantizedNetwork qn = unit_network("lstm");
  RecurrentQLayer& q = qn.layers[0];
  q.weights.v = {0, 0, 0, 16384};  // i, o, f: 0; c: 1.0
  q.c0.v = {8192};                 // c0 = 0.5
  // x = 0.5. i, o, f: sigmoid(0) = 8192. The c gate: W x = 16384 * 8192 = 2^27 at frac 28, to
  // Q16.12: 2048 (0.5); tanh(0.5) is a table breakpoint: round(0.4621172 * 2^14) = 7571.
  CHECK(fixed_activation(Activation::tanh, 2048, kQ12, kQ14) == 7571);
  // c1 = (8192 * 8192 + 8192 * 7571) / 2^14 = 7881.5 -> 7882 (round half up).
  // h1 = o * tanh(c1) at frac 28 -> frac 14.
  const int64_t tc = fixed_activation(Activation::tanh, 7882, kQ14, kQ14);
  CHECK(std::abs(tc - std::lround(std::tanh(7882.0 / 16384) * 16384)) <= 1);
  CHECK(run_one(qn, 8192) == (8192 * tc + 8192) >> 14);
  // With x = 0 the cell only decays: c1 = 4096, h1 = 8192 * tanh(0.25) / 2^14, tanh(0.25) a
  // breakpoint: round(0.2449187 * 2^14) = 4013 -> h1 = 2006.5 -> 2007.
  CHECK(run_one(qn, 0) == 2007);
}

TEST_CASE("recurrent golden: a gru step worked by hand, both linear_before_reset settings") {
  for (bool lbr : {false, true}) {
    INFO("linear_before_reset " << lbr);
    RecurrentQuantizedNetwork qn = unit_network("gru", lbr);
    RecurrentQLayer& q = qn.layers[0];
    q.weights.v = {0, 0, 16384};    // z, r: 0; h: 1.0
    q.recurrent.v = {0, 0, 16384};  // R_h = 1.0
    q.h0.v = {8192};                // h0 = 0.5
    // z = r = 8192 (0.5). lbr 0: r h0 = 4096, W_h x + R_h (r h0) = 2^27 + 2^26 at frac 28;
    // lbr 1: R_h h0 = 8192 in Q16.14, r * that = 2^26 at frac 28: the same sum. To Q16.12:
    // 3072 (0.75), a breakpoint: tanh(0.75) = round(0.6351490 * 2^14) = 10406.
    // h1 = (8192 * 10406 + 8192 * 8192) / 2^14 = 9299.
    CHECK(run_one(qn, 8192) == 9299);
  }
}

TEST_CASE("recurrent golden: 16-bit formats follow the float executor closely") {
  for (const char* layers : kVariants) {
    INFO(layers);
    const FloatNetwork f = random_net("[8, 5, 1]", layers, 3);
    const std::vector<Tensor<float>> xs = inputs(f, 6, 11);
    const RecurrentQuantizedNetwork qn = quantize_recurrent(f, calibrate_recurrent(f, xs), {});
    CHECK(max_output_error(f, qn, xs) < 2e-3);
    // Narrower formats cost accuracy.
    const RecurrentQuantizedNetwork q8 = quantize_recurrent(f, calibrate_recurrent(f, xs), all_bits(f, 8));
    CHECK(max_output_error(f, q8, xs) > max_output_error(f, qn, xs));
    CHECK(max_output_error(f, q8, xs) < 0.15);
  }
  // Token ids through an embedding.
  const FloatNetwork f = random_net("[7, 1, 1]", R"({"name": "e", "type": "embedding", "vocab_size": 20, "dim": 4},
      {"name": "g", "type": "gru", "hidden_size": 5, "output": "sequence"})", 5);
  const std::vector<Tensor<float>> xs = inputs(f, 4, 1);
  const RecurrentQuantizedNetwork qn = quantize_recurrent(f, calibrate_recurrent(f, xs), {});
  CHECK(qn.input.frac == 0);
  CHECK(max_output_error(f, qn, xs) < 2e-3);
}

TEST_CASE("recurrent golden: deterministic, counts saturations, refuses bad networks") {
  const FloatNetwork f = random_net("[8, 5, 1]", kVariants[0], 3);
  const std::vector<Tensor<float>> xs = inputs(f, 3, 11);
  RecurrentQuantOptions o;
  o.acc_bits = 16;
  const RecurrentQuantizedNetwork qn = quantize_recurrent(f, calibrate_recurrent(f, xs), o);
  const Tensor<int32_t> x = quantize_sequence_input(xs[0], qn.input);
  const RecurrentGoldenRun a = run_recurrent_golden(qn, x), b = run_recurrent_golden(qn, x);
  CHECK(a.outputs[0].data == b.outputs[0].data);
  CHECK(a.saturations[0] > 0);  // 16-bit accumulators cannot hold W x at frac fx + fw

  RecurrentQuantizedNetwork bad = qn;
  bad.layers[0].gates.pop_back();
  CHECK_THAT(input_error_of([&] { run_recurrent_golden(bad, x); }),
             Contains("layer l: gates: 3 formats for 4 gates"));
  bad = qn;
  bad.layers[0].recurrent.v[3] = 40000;
  CHECK_THAT(input_error_of([&] { run_recurrent_golden(bad, x); }),
             Contains("layer l: R: value [3] = 40000 does not fit 16 bits"));
  bad = qn;
  bad.layers[0].cell.bits = 17;
  CHECK_THAT(input_error_of([&] { run_recurrent_golden(bad, x); }),
             Contains("layer l: cell: width 17 is outside 2..16"));
  RecurrentQuantOptions wide = all_bits(f, 16);
  wide.layers[0].gates[2] = 1;
  CHECK_THAT(input_error_of([&] { quantize_recurrent(f, calibrate_recurrent(f, xs), wide); }),
             Contains("layer l: gate width 1 is outside 2..16"));
  const FloatNetwork conv = generate_weights(
      parse_text(R"({"name": "c", "input": {"shape": [1, 4, 4]}, "layers": [{"name": "c1", "type": "conv", "out_channels": 2, "kernel": 3}]})"), 1);
  CHECK_THAT(input_error_of([&] {
               quantize_recurrent(conv, calibrate_recurrent(conv, {generate_input(conv.net.input, 1)}), {});
             }),
             Contains("layer c1: type: conv is not taken by the sequence executor"));
  Tensor<int32_t> ids(Shape{3, 1, 1});
  ids.data = {1, 25, 0};
  const FloatNetwork e = random_net("[3, 1, 1]", R"({"name": "e", "type": "embedding", "vocab_size": 20, "dim": 4})", 5);
  const RecurrentQuantizedNetwork qe = quantize_recurrent(e, calibrate_recurrent(e, inputs(e, 1, 1)), {});
  CHECK(input_error_of([&] { run_recurrent_golden(qe, ids); }) ==
        "embedding layer e: step 1: token id 25 is not in [0, 20)");
}

TEST_CASE("recurrent golden: memory footprint against float32") {
  const FloatNetwork f = random_net("[8, 5, 1]", kVariants[5], 3);
  const std::vector<Tensor<float>> xs = inputs(f, 2, 1);
  const RecurrentCalibration cal = calibrate_recurrent(f, xs);
  // lstm: W 4*6*5, R 4*6*6, biases 2*4*6, h0 and c0 6 each; fc: 3*6 weights, 3 biases.
  const int64_t values = 120 + 144 + 48 + 12 + 18 + 3;
  const RecurrentFootprint f16 = recurrent_footprint(quantize_recurrent(f, cal, {}));
  CHECK(f16.float_bits == 32 * values);
  CHECK(f16.quantized_bits == 16 * values);
  CHECK(f16.reduction() == Approx(0.5));
  RecurrentQuantOptions o = all_bits(f, 8);
  o.layers[0].recurrent = 4;
  const RecurrentFootprint f8 = recurrent_footprint(quantize_recurrent(f, cal, o));
  CHECK(f8.quantized_bits == 8 * (values - 144) + 4 * 144);
}

TEST_CASE("recurrent golden: ONNX node-test models in 16-bit fixed point match their references") {
  // Imported from libonnx-testdata (layout 0: X is [T, N, I], the reference Y_h [1, N, H]),
  // calibrated on their own inputs, run sample by sample through the integer executor.
  for (const char* rel : {"node/test_lstm_with_peepholes", "node/test_gru_seq_length",
                          "node/test_gru_with_initial_bias"}) {
    INFO(rel);
    const OnnxCase c = load_case(rel);
    const FloatNetwork f = import_onnx_model(c.model, c.model_path);
    const Shape in = f.net.input;
    const int64_t n = c.input.dims(1);
    const std::vector<float> x = floats_of(c.input), want = floats_of(c.output);
    std::vector<Tensor<float>> samples;
    for (int64_t s = 0; s < n; ++s) {
      Tensor<float> t(in);
      for (int step = 0; step < in.c; ++step)
        for (int k = 0; k < in.h; ++k)
          t.data[size_t(step * in.h + k)] = x[size_t((step * n + s) * in.h + k)];
      samples.push_back(t);
    }
    const RecurrentQuantizedNetwork qn = quantize_recurrent(f, calibrate_recurrent(f, samples), {});
    double err = 0;
    for (int64_t s = 0; s < n; ++s) {
      const RecurrentGoldenRun r = run_recurrent_golden(qn, quantize_sequence_input(samples[size_t(s)], qn.input));
      const std::vector<float> got = dequantize(r.outputs.back(), qn.layers.back().out);
      for (size_t j = 0; j < got.size(); ++j)
        err = std::max(err, std::fabs(double(got[j]) - want[size_t(s) * got.size() + j]));
    }
    CHECK(err < 1e-3);
  }
}
