// The sequence layers in the IR: lstm, gru and embedding read from network JSON with their
// shapes, written back, stored in float checkpoints; malformed layers refused naming the file,
// JSON path and value; the CNN quantizers refusing them.
#include <catch2/catch.hpp>

#include "quant/float_exec.h"
#include "quant/float_model.h"
#include "quant/network_json_write.h"
#include "quant/ptq.h"
#include "quant/shape_inference.h"
#include "quant_test_util.h"

using namespace shiftsim::quant;
using namespace shiftsim::quant::test;
using Catch::Matchers::Contains;

namespace {

// A network on `input` (JSON list [C, H, W]) with the given layers.
std::string seq_net(const std::string& input, const std::string& layers) {
  return R"({"name": "s", "input": {"shape": )" + input + R"(}, "layers": [)" + layers + "]}";
}

std::string error_for(const std::string& input, const std::string& layers) {
  return input_error_of([&] { parse_text(seq_net(input, layers)); });
}

}  // namespace

TEST_CASE("recurrent IR: lstm, gru and embedding shapes from JSON") {
  const Network n = parse_text(seq_net("[6, 1, 1]", R"(
      {"name": "emb", "type": "embedding", "vocab_size": 10, "dim": 3},
      {"name": "g", "type": "gru", "hidden_size": 5, "output": "sequence",
       "direction": "reverse", "linear_before_reset": true},
      {"name": "l", "type": "lstm", "hidden_size": 4, "input_size": 5, "peepholes": true},
      {"name": "fc", "type": "fc", "out_features": 2})"));
  REQUIRE(n.layers.size() == 4);
  CHECK(n.layers[0].out_shape == Shape{6, 3, 1});
  const Layer& g = n.layers[1];
  CHECK(g.type == LayerType::gru);
  CHECK(g.out_shape == Shape{6, 5, 1});
  CHECK(g.rnn.input_size == 3);
  CHECK(g.rnn.direction == Direction::reverse);
  CHECK(g.rnn.linear_before_reset);
  CHECK(g.rnn.sequence_output);
  const Layer& l = n.layers[2];
  CHECK(l.out_shape == Shape{4, 1, 1});
  CHECK(l.rnn.peepholes);
  CHECK_FALSE(l.rnn.initial_state);
  CHECK(n.layers[3].in_shape == Shape{4, 1, 1});
  // Parameters: ONNX's W, R (P) and Wb, Rb for one direction.
  CHECK(weight_count(n.layers[0]) == 30);
  CHECK(weight_count(g) == 3 * 5 * (3 + 5));
  CHECK(bias_count(g) == 2 * 3 * 5);
  CHECK(weight_count(l) == 4 * 4 * (5 + 4) + 3 * 4);
  CHECK(bias_count(l) == 2 * 4 * 4);
  CHECK(layer_macs(g) == 6 * 3 * 5 * (3 + 5));
  CHECK(layer_macs(l) == 6 * 4 * 4 * (5 + 4));
  // A step's features are H*W of the input.
  const Network img = parse_text(seq_net("[28, 28, 1]", R"({"name": "l", "type": "lstm", "hidden_size": 8})"));
  CHECK(img.layers[0].rnn.input_size == 28);
  CHECK(img.layers[0].out_shape == Shape{8, 1, 1});
}

TEST_CASE("recurrent IR: JSON written back reads the same and checkpoints keep the parameters") {
  const Network n = parse_text(seq_net("[6, 1, 1]", R"(
      {"name": "emb", "type": "embedding", "vocab_size": 10, "dim": 3},
      {"name": "g", "type": "gru", "hidden_size": 5, "output": "sequence", "linear_before_reset": true},
      {"name": "l", "type": "lstm", "hidden_size": 4, "direction": "reverse", "initial_state": true},
      {"name": "fc", "type": "fc", "out_features": 2})"));
  const nlohmann::json j = network_to_json(n);
  const Network back = parse_network(j, "back.json");
  CHECK(network_to_json(back) == j);
  CHECK(j["layers"][2]["direction"] == "reverse");
  CHECK(j["layers"][2]["initial_state"] == true);
  CHECK(bias_count(back.layers[2]) == 2 * 4 * 4 + 2 * 4);  // Wb, Rb, h0, c0

  FloatNetwork f = generate_weights(n, 7);
  TempDir dir("recurrent_ckpt");
  const std::string path = dir.path() + "/s.ckpt";
  save_float_network(path, f);
  const FloatNetwork g = load_float_network(path);
  for (size_t i = 0; i < f.params.size(); ++i) {
    CHECK(g.params[i].weights == f.params[i].weights);
    CHECK(g.params[i].bias == f.params[i].bias);
  }
  f.params[2].bias.pop_back();
  CHECK_THAT(input_error_of([&] { save_float_network(path, f); }),
             Contains("layer l: 144 weights and 39 biases, expected 144 and 40"));
}

TEST_CASE("recurrent IR: malformed layers are refused naming the file, path and value") {
  CHECK(error_for("[5, 3, 1]", R"({"name": "l", "type": "lstm", "hidden_size": 0})") ==
        "nets/x.json: layers[0].hidden_size: must be >= 1, found 0");
  CHECK(error_for("[5, 3, 1]", R"({"name": "l", "type": "lstm", "hidden_size": 4, "input_size": 7})") ==
        "nets/x.json: layers[0].input_size: 7 does not match the input's 3 features per step "
        "(input 5x3x1: steps x features)");
  CHECK(error_for("[5, 3, 1]", R"({"name": "g", "type": "gru", "hidden_size": 4, "direction": "sideways"})") ==
        "nets/x.json: layers[0].direction: must be one of {forward, reverse}, found \"sideways\"");
  CHECK_THAT(error_for("[5, 3, 1]", R"({"name": "g", "type": "gru", "hidden_size": 4, "direction": "bidirectional"})"),
             Contains("nets/x.json: layers[0].direction: \"bidirectional\" is not supported"));
  CHECK_THAT(error_for("[5, 3, 1]", R"({"name": "l", "type": "lstm", "hidden_size": 4, "linear_before_reset": true})"),
             Contains("layers[0].linear_before_reset: unknown key"));
  CHECK_THAT(error_for("[5, 3, 1]", R"({"name": "g", "type": "gru", "hidden_size": 4, "peepholes": true})"),
             Contains("layers[0].peepholes: unknown key"));
  CHECK_THAT(error_for("[5, 3, 1]", R"({"name": "g", "type": "gru", "hidden_size": 4, "output": "all"})"),
             Contains("layers[0].output: must be one of {last, sequence}, found \"all\""));
  CHECK(error_for("[5, 2, 1]", R"({"name": "e", "type": "embedding", "vocab_size": 10, "dim": 3})") ==
        "nets/x.json: layers[0].inputs: embedding reads one token id per step (T x 1 x 1), found 5x2x1");
  CHECK(error_for("[5, 1, 1]", R"({"name": "e", "type": "embedding", "vocab_size": 0, "dim": 3})") ==
        "nets/x.json: layers[0].vocab_size: must be >= 1, found 0");
  CHECK_THAT(error_for("[5, 1, 1]", R"({"name": "e", "type": "embedding", "vocab_size": 4})"),
             Contains("layers[0].dim"));
  // Layers built in code (ONNX import, tests) meet the same shape rules.
  Layer l;
  l.type = LayerType::lstm;
  l.rnn.hidden_size = 0;
  l.rnn.input_size = 3;
  const ShapeCheck c = infer_output_shape(l, {Shape{5, 3, 1}});
  CHECK(c.key == "hidden_size");
}

TEST_CASE("recurrent IR: the float executor refuses bad token ids, the CNN quantizer sequence layers") {
  const Network n = parse_text(seq_net("[3, 1, 1]", R"(
      {"name": "emb", "type": "embedding", "vocab_size": 4, "dim": 2},
      {"name": "l", "type": "lstm", "hidden_size": 3})"));
  const FloatNetwork f = generate_weights(n, 1);
  Tensor<float> ids(n.input);
  ids.data = {0, 3, 2};
  const std::vector<Tensor<float>> out = run_float(f, ids);
  CHECK(out[0].data[2] == f.params[0].weights[6]);  // step 1 is row 3
  ids.data = {0, 4, 2};
  CHECK(input_error_of([&] { run_float(f, ids); }) ==
        "embedding layer emb: step 1: token id 4 is not an integer in [0, 4)");
  ids.data = {0, 1.5f, 2};
  CHECK_THAT(input_error_of([&] { run_float(f, ids); }), Contains("token id 1.5"));
  ids.data = {0, 1, 2};
  CHECK_THAT(input_error_of([&] { quantize_ptq(f, PtqOptions{}, {ids}); }),
             Contains("quantization: layer emb (embedding): sequence layers are not taken here"));
}

TEST_CASE("recurrent IR: a per-step fc is a language model's output layer") {
  const Network n = parse_text(seq_net("[5, 1, 1]", R"(
      {"name": "emb", "type": "embedding", "vocab_size": 12, "dim": 4},
      {"name": "l", "type": "lstm", "hidden_size": 6, "output": "sequence"},
      {"name": "logits", "type": "fc", "out_features": 12, "per_step": true})"));
  const Layer& fc = n.layers[2];
  CHECK(fc.out_shape == Shape{5, 12, 1});
  CHECK(weight_count(fc) == 12 * 6);
  CHECK(layer_macs(fc) == 5 * 12 * 6);
  const nlohmann::json j = network_to_json(n);
  CHECK(j["layers"][2]["per_step"] == true);
  CHECK(network_to_json(parse_network(j, "back.json")) == j);
  // A plain fc writes no per_step key, so CNN files read as before.
  CHECK_FALSE(network_to_json(parse_text(seq_net("[5, 1, 1]", R"({"name": "f", "type": "fc", "out_features": 2})")))
                  ["layers"][0].contains("per_step"));
  // Each step's logits are the fc of that step's hidden state.
  const FloatNetwork f = generate_weights(n, 3);
  Tensor<float> ids(n.input);
  ids.data = {3, 1, 4, 1, 5};
  const std::vector<Tensor<float>> out = run_float(f, ids);
  for (int t = 0; t < 5; ++t)
    for (int m = 0; m < 12; ++m) {
      double s = f.params[2].bias[size_t(m)];
      for (int k = 0; k < 6; ++k)
        s += double(f.params[2].weights[size_t(m * 6 + k)]) * out[1].data[size_t(t * 6 + k)];
      CHECK(out[2].data[size_t(t * 12 + m)] == Approx(s).margin(1e-5));
    }
  CHECK_THAT(input_error_of([&] { quantize_ptq(f, PtqOptions{}, {ids}); }),
             Contains("layer emb (embedding)"));
  Network only_fc = parse_text(seq_net("[5, 3, 1]", R"({"name": "f", "type": "fc", "out_features": 2, "per_step": true})"));
  CHECK_THAT(input_error_of([&] { refuse_sequence_layers(only_fc, "quantization"); }),
             Contains("quantization: layer f (per-step fc): sequence layers are not taken here"));
}
