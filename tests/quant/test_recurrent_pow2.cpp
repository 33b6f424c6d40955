// Power-of-two matrices in sequence networks: the levels, the shift arithmetic agreeing bit for
// bit with the product arithmetic on the same integers, the footprint counting code bits, the
// refusals, the model file, and the width search keeping the matrices within 2..5 code bits.
#include <catch2/catch.hpp>

#include <cmath>

#include "quant/recurrent_golden.h"
#include "quant/recurrent_model_file.h"
#include "quant/recurrent_pow2.h"
#include "quant/recurrent_quantize.h"
#include "quant/recurrent_search.h"
#include "quant_test_util.h"

using namespace shiftsim::quant;
using namespace shiftsim::quant::test;
using Catch::Matchers::Contains;

namespace {

FloatNetwork net_of(const std::string& input, const std::string& layers, uint64_t seed) {
  return generate_weights(parse_text(R"({"name": "p", "input": {"shape": )" + input +
                                     R"(}, "layers": [)" + layers + "]}"), seed);
}

std::vector<Tensor<float>> inputs_of(const FloatNetwork& f, int n) {
  std::vector<Tensor<float>> v;
  for (int k = 0; k < n; ++k) v.push_back(generate_input(f.net.input, uint64_t(50 + k)));
  return v;
}

RecurrentQuantizedNetwork pow2_net(const FloatNetwork& f, const std::vector<Tensor<float>>& xs, int bits) {
  RecurrentQuantOptions o;
  o.pow2_matrices = true;
  for (const Layer& l : f.net.layers) {
    RecurrentTensorBits b;
    b.weights = b.recurrent = bits;
    b.gates.assign(size_t(gate_count(l.type)), 12);
    b.out = b.cell = b.sigmoid_out = b.tanh_out = b.reset_product = 12;
    o.layers.push_back(b);
  }
  return quantize_recurrent(f, calibrate_recurrent(f, xs), o);
}

// The same integers declared as plain fixed point, so the executor multiplies them.
RecurrentQuantizedNetwork as_fixed(RecurrentQuantizedNetwork qn) {
  for (RecurrentQLayer& q : qn.layers)
    for (QTensor* t : {&q.weights, &q.recurrent})
      if (t->kind == WeightKind::pow2) {
        t->kind = WeightKind::fixed;
        t->code_bits = 0;
        t->fmt.bits = 16;
      }
  return qn;
}

const char* kLayers[] = {
    R"({"name": "l", "type": "lstm", "hidden_size": 6, "output": "sequence"}, {"name": "fc", "type": "fc", "out_features": 3, "per_step": true})",
    R"({"name": "g", "type": "gru", "hidden_size": 5}, {"name": "fc", "type": "fc", "out_features": 4})",
    R"({"name": "g", "type": "gru", "hidden_size": 5, "linear_before_reset": true, "direction": "reverse"}, {"name": "fc", "type": "fc", "out_features": 2})",
};

}  // namespace

TEST_CASE("recurrent pow2: a tensor's values are 0 or +-2^s on its nearest levels") {
  const std::vector<float> w = {0.5f, -0.26f, 0.0f, 0.01f, -0.13f, 0.9f};
  const QTensor t = pow2_tensor(w.data(), w.size(), 3);  // 3 magnitudes: 2^-2 .. 2^0
  CHECK(t.kind == WeightKind::pow2);
  CHECK(t.code_bits == 3);
  CHECK(t.fmt.bits == 4);
  CHECK(t.fmt.frac == 2);  // e_max = floor(log2(4/3 * 0.9)) = 0, e_min = -2
  CHECK(t.v == std::vector<int32_t>{2, -1, 0, 0, -1, 4});
  CHECK(pow2_tensor_problem(t).empty());
  CHECK_THAT(input_error_of([&] { pow2_tensor(w.data(), w.size(), 6); }), Contains("6 code bits is outside 2..5"));
}

TEST_CASE("recurrent pow2: shifts give the products' results bit for bit, lstm and both gru kinds") {
  for (const char* layers : kLayers) {
    const std::string in = std::string(layers).find("lstm") != std::string::npos ? "[5, 3, 1]" : "[4, 2, 1]";
    const FloatNetwork f = net_of(in, layers, 7);
    const std::vector<Tensor<float>> xs = inputs_of(f, 6);
    for (int bits = 2; bits <= 5; ++bits) {
      INFO(layers << ", " << bits << " code bits");
      const RecurrentQuantizedNetwork p = pow2_net(f, xs, bits);
      REQUIRE(p.layers[0].weights.kind == WeightKind::pow2);
      REQUIRE(p.layers[0].recurrent.kind == WeightKind::pow2);
      REQUIRE(p.layers[1].weights.kind == WeightKind::pow2);
      CHECK(p.layers[0].bias.kind == WeightKind::fixed);
      const RecurrentQuantizedNetwork m = as_fixed(p);
      for (const Tensor<float>& x : xs) {
        const Tensor<int32_t> qx = quantize_sequence_input(x, p.input);
        const RecurrentGoldenRun a = run_recurrent_golden(p, qx), b = run_recurrent_golden(m, qx);
        for (size_t i = 0; i < a.outputs.size(); ++i) CHECK(a.outputs[i].data == b.outputs[i].data);
      }
    }
  }
}

TEST_CASE("recurrent pow2: wider codes follow the float network more closely") {
  const FloatNetwork f = net_of("[5, 3, 1]", kLayers[0], 3);
  const std::vector<Tensor<float>> xs = inputs_of(f, 8);
  const RecurrentLoss err = output_error_loss(f, xs);
  const double e2 = err(pow2_net(f, xs, 2)), e5 = err(pow2_net(f, xs, 5));
  CHECK(e5 < e2);
  CHECK(e5 < 0.5);  // the fc outputs are O(1); 15 levels per sign keep them close
}

TEST_CASE("recurrent pow2: the footprint counts code bits, the file keeps the kind") {
  const FloatNetwork f = net_of("[4, 2, 1]", kLayers[1], 5);
  const std::vector<Tensor<float>> xs = inputs_of(f, 3);
  const RecurrentQuantizedNetwork p = pow2_net(f, xs, 3);
  int64_t want = 0, floats = 0;
  for (const RecurrentQLayer& q : p.layers)
    for (const QTensor* t : {&q.weights, &q.recurrent, &q.peepholes, &q.bias, &q.h0, &q.c0}) {
      want += int64_t(t->v.size()) * (t->kind == WeightKind::pow2 ? 3 : t->fmt.bits);
      floats += 32 * int64_t(t->v.size());
    }
  CHECK(recurrent_footprint(p).quantized_bits == want);
  CHECK(recurrent_footprint(p).float_bits == floats);

  TempDir dir("rnn_pow2_file");
  const std::string path = dir.path() + "/p.rqn";
  save_recurrent_network(path, p);
  CHECK(is_recurrent_model_file(path));
  const RecurrentQuantizedNetwork back = load_recurrent_network(path);
  CHECK(back.layers[0].recurrent.kind == WeightKind::pow2);
  CHECK(back.layers[0].recurrent.code_bits == 3);
  const Tensor<int32_t> qx = quantize_sequence_input(xs[0], p.input);
  CHECK(run_recurrent_golden(back, qx).outputs.back().data == run_recurrent_golden(p, qx).outputs.back().data);
}

TEST_CASE("recurrent pow2: malformed power-of-two tensors are refused naming the tensor") {
  const FloatNetwork f = net_of("[4, 2, 1]", kLayers[1], 5);
  const std::vector<Tensor<float>> xs = inputs_of(f, 2);
  RecurrentQuantizedNetwork p = pow2_net(f, xs, 4);
  RecurrentQuantizedNetwork bad = p;
  bad.layers[0].recurrent.v[0] = 3;
  CHECK_THAT(input_error_of([&] { check_recurrent_network(bad, "m.rqn"); }),
             Contains("m.rqn: layer g: R: power of two: value [0] = 3 is not 0 or +-2^s"));
  bad = p;
  bad.layers[0].bias.kind = WeightKind::pow2;
  CHECK_THAT(input_error_of([&] { check_recurrent_network(bad, "m.rqn"); }),
             Contains("layer g: bias: power-of-two values are for the weight matrices only"));
  RecurrentQuantOptions o;
  o.pow2_matrices = true;
  o.layers.assign(2, RecurrentTensorBits{});  // 16: too wide for a code
  o.layers[0].gates.assign(3, 16);
  CHECK_THAT(input_error_of([&] { quantize_recurrent(f, calibrate_recurrent(f, xs), o); }),
             Contains("layer g: W power-of-two code width 16 is outside 2..5"));
}

TEST_CASE("recurrent pow2: the width search keeps the matrices within 2..5 code bits") {
  const FloatNetwork f = net_of("[5, 3, 1]", kLayers[0], 3);
  const std::vector<Tensor<float>> xs = inputs_of(f, 4);
  RecurrentSearchOptions s;
  s.tolerance = 0.3;
  s.pow2_matrices = true;
  const RecurrentSearchResult r = search_recurrent_widths(f, calibrate_recurrent(f, xs), output_error_loss(f, xs), s);
  REQUIRE(r.met);
  CHECK(r.loss <= 0.3);
  CHECK(r.qn.layers[0].recurrent.kind == WeightKind::pow2);
  CHECK(r.widths.layers[0].recurrent <= 5);
  CHECK(r.widths.layers[0].weights <= 5);
  CHECK(r.widths.layers[1].weights <= 5);
  CHECK(r.footprint.reduction() > 0.7);
}
