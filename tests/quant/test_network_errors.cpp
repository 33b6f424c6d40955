// Bad network JSON: every mistake is an InputError naming the file and the JSON path.
#include <catch2/catch.hpp>

#include "quant/network.h"
#include "quant_test_util.h"

using namespace shiftsim::quant;
using namespace shiftsim::quant::test;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {
// A network on a 3x7x7 input with the given layers (JSON text of the list's items).
std::string net(const std::string& layers) {
  return R"({"name": "x", "input": {"shape": [3, 7, 7]}, "layers": [)" + layers + "]}";
}
std::string error_for(const std::string& layers) {
  return input_error_of([&] { parse_text(net(layers)); });
}
const char* kConv = R"({"name": "c1", "type": "conv", "out_channels": 4, "kernel": 3})";
}  // namespace

TEST_CASE("network errors: unknown keys and types") {
  CHECK_THAT(error_for(R"({"name": "c1", "type": "conv", "out_channels": 4, "kernel": 3, "bogus": 1})"),
             StartsWith("nets/x.json: layers[0].bogus: unknown key"));
  CHECK_THAT(error_for(R"({"name": "c1", "type": "deconv"})"),
             Contains("nets/x.json: layers[0].type: must be one of") && Contains("deconv"));
  // A key of another layer type is unknown here.
  CHECK_THAT(error_for(R"({"name": "f", "type": "fc", "out_features": 4, "kernel": 3})"),
             Contains("layers[0].kernel: unknown key"));
  CHECK_THAT(error_for(std::string(kConv) + R"(, {"name": "r", "type": "relu", "relu": true})"),
             Contains("layers[1].relu: unknown key"));
  CHECK_THAT(input_error_of([] {
               parse_text(R"({"name": "x", "extra": 1, "input": {"shape": [3, 7, 7]},
                             "layers": [{"name": "r", "type": "relu"}]})");
             }),
             Contains("nets/x.json: extra: unknown key"));
  CHECK_THAT(input_error_of([] {
               parse_text(R"({"name": "x", "input": {"shape": [3, 7, 7], "dtype": "f"},
                             "layers": [{"name": "r", "type": "relu"}]})");
             }),
             Contains("input.dtype: unknown key"));
}

TEST_CASE("network errors: inputs naming missing or later layers") {
  CHECK(error_for(std::string(kConv) + R"(, {"name": "r", "type": "relu", "inputs": ["c9"]})") ==
        "nets/x.json: layers[1].inputs[0]: no layer named \"c9\" before this one");
  // A later layer is not visible yet.
  CHECK_THAT(error_for(R"({"name": "r", "type": "relu", "inputs": ["c1"]}, )" + std::string(kConv)),
             Contains("layers[0].inputs[0]: no layer named \"c1\" before this one"));
  // Itself neither.
  CHECK_THAT(error_for(R"({"name": "r", "type": "relu", "inputs": ["r"]})"),
             Contains("layers[0].inputs[0]: no layer named \"r\""));
  CHECK_THAT(error_for(std::string(kConv) +
                       R"(, {"name": "c2", "type": "conv", "out_channels": 4, "kernel": 3},
                          {"name": "a", "type": "add", "inputs": ["c1", "c3"]})"),
             Contains("layers[2].inputs[1]: no layer named \"c3\" before this one"));
  CHECK_THAT(error_for(R"({"name": "r", "type": "relu", "inputs": []})"),
             Contains("layers[0].inputs: must name at least one input"));
  CHECK_THAT(error_for(R"({"name": "r", "type": "relu", "inputs": "input"})"),
             Contains("layers[0].inputs: must be a list"));
}

TEST_CASE("network errors: input counts per layer type") {
  CHECK_THAT(error_for(std::string(kConv) + R"(, {"name": "a", "type": "add"})"),
             Contains("layers[1].inputs: add takes exactly 2 inputs, found 1"));
  CHECK_THAT(error_for(std::string(kConv) + R"(, {"name": "a", "type": "concat", "inputs": ["c1"]})"),
             Contains("layers[1].inputs: concat takes at least 2 inputs, found 1"));
  CHECK_THAT(error_for(std::string(kConv) +
                       R"(, {"name": "c2", "type": "conv", "inputs": ["c1", "input"], "out_channels": 4, "kernel": 1})"),
             Contains("layers[1].inputs: conv takes exactly 1 input, found 2"));
}

TEST_CASE("network errors: kernel larger than the padded input") {
  CHECK(error_for(R"({"name": "c3", "type": "conv", "out_channels": 4, "kernel": 11})") ==
        "nets/x.json: layers[0] (c3): kernel 11 is larger than the padded input 7x7");
  CHECK_THAT(error_for(R"({"name": "c3", "type": "conv", "out_channels": 4, "kernel": 11, "pad": 1})"),
             Contains("layers[0] (c3): kernel 11 is larger than the padded input 9x9"));
  CHECK_THAT(error_for(R"({"name": "p", "type": "maxpool", "kernel": 8})"),
             Contains("layers[0] (p): kernel 8 is larger than the padded input 7x7"));
  // 11 fits once padded by 2.
  CHECK(parse_text(net(R"({"name": "c3", "type": "conv", "out_channels": 4, "kernel": 11, "pad": 2})"))
            .layers[0].out_shape == Shape{4, 1, 1});
}

TEST_CASE("network errors: zero and negative sizes") {
  CHECK_THAT(error_for(R"({"name": "c", "type": "conv", "out_channels": 0, "kernel": 3})"),
             Contains("layers[0].out_channels: must be >= 1, found 0"));
  CHECK_THAT(error_for(R"({"name": "c", "type": "conv", "out_channels": 4, "kernel": 0})"),
             Contains("layers[0].kernel: must be >= 1"));
  CHECK_THAT(error_for(R"({"name": "c", "type": "conv", "out_channels": 4, "kernel": 3, "stride": 0})"),
             Contains("layers[0].stride: must be >= 1"));
  CHECK_THAT(error_for(R"({"name": "c", "type": "conv", "out_channels": 4, "kernel": 3, "pad": -1})"),
             Contains("layers[0].pad: must be >= 0"));
  CHECK_THAT(error_for(R"({"name": "c", "type": "conv", "out_channels": 4, "kernel": 3, "groups": 0})"),
             Contains("layers[0].groups: must be >= 1"));
  CHECK_THAT(error_for(R"({"name": "f", "type": "fc", "out_features": -3})"),
             Contains("layers[0].out_features: must be >= 1"));
  CHECK_THAT(error_for(R"({"name": "c", "type": "conv", "out_channels": 2.5, "kernel": 3})"),
             Contains("layers[0].out_channels: must be an integer"));
  CHECK_THAT(error_for(R"({"name": "c", "type": "conv", "kernel": 3})"),
             Contains("layers[0].out_channels: required integer is missing"));
  CHECK_THAT(input_error_of([] {
               parse_text(R"({"name": "x", "input": {"shape": [3, 0, 7]}, "layers": [{"name": "r", "type": "relu"}]})");
             }),
             Contains("input.shape[1]: must be >= 1"));
  CHECK_THAT(input_error_of([] {
               parse_text(R"({"name": "x", "input": {"shape": [3, 7]}, "layers": [{"name": "r", "type": "relu"}]})");
             }),
             Contains("input.shape: must be [C, H, W], found 2 values"));
}

TEST_CASE("network errors: shape mismatches at add and concat, groups") {
  const std::string two = R"({"name": "c1", "type": "conv", "out_channels": 4, "kernel": 3},
                             {"name": "c2", "type": "conv", "inputs": ["input"], "out_channels": 5, "kernel": 3},
                             {"name": "c3", "type": "conv", "inputs": ["input"], "out_channels": 4, "kernel": 1})";
  CHECK_THAT(error_for(two + R"(, {"name": "a", "type": "add", "inputs": ["c1", "c2"]})"),
             Contains("layers[3].inputs: add needs equal shapes, found 4x5x5 and 5x5x5"));
  CHECK_THAT(error_for(two + R"(, {"name": "k", "type": "concat", "inputs": ["c1", "c2", "c3"]})"),
             Contains("layers[3].inputs: concat needs equal height and width, input 2 is 4x7x7"));
  CHECK(parse_text(net(two + R"(, {"name": "k", "type": "concat", "inputs": ["c1", "c2"]})"))
            .layers[3].out_shape == Shape{9, 5, 5});
  CHECK_THAT(error_for(R"({"name": "c", "type": "conv", "out_channels": 4, "kernel": 3, "groups": 2})"),
             Contains("layers[0].groups: groups 2 does not divide the 3 input channels"));
  CHECK_THAT(error_for(R"({"name": "c", "type": "conv", "out_channels": 4, "kernel": 3, "groups": 3})"),
             Contains("layers[0].groups: groups 3 does not divide the 4 output channels"));
}

TEST_CASE("network errors: names, pools, top level, files") {
  CHECK_THAT(error_for(std::string(kConv) + ", " + kConv),
             Contains("layers[1].name: duplicate layer name \"c1\" (also layers[0])"));
  CHECK_THAT(error_for(R"({"type": "relu"})"), Contains("layers[0].name: required string is missing"));
  CHECK_THAT(error_for(R"({"name": "input", "type": "relu"})"), Contains("layers[0].name: \"input\" is reserved"));
  CHECK_THAT(error_for(R"({"name": "p", "type": "maxpool", "kernel": 2, "pad": 2})"),
             Contains("layers[0].pad: must be < kernel (2), found 2"));
  CHECK_THAT(error_for(R"({"name": "p", "type": "avgpool", "global": true, "kernel": 7})"),
             Contains("layers[0].kernel: not allowed with \"global\": true"));
  CHECK_THAT(input_error_of([] {
               parse_text(R"({"name": "x", "input": {"shape": [3, 7, 5]}, "layers": [{"name": "g", "type": "avgpool", "global": true}]})");
             }),
             Contains("layers[0] (g): global pooling needs a square input, found 3x7x5"));
  CHECK_THAT(error_for(""), Contains("nets/x.json: layers: must be a non-empty list"));
  CHECK_THAT(error_for("3"), Contains("nets/x.json: layers[0]: must be a JSON object"));
  CHECK_THAT(input_error_of([] { parse_text(R"({"input": {"shape": [1, 1, 1]}, "layers": []})"); }),
             Contains("nets/x.json: name: required string is missing"));

  const TempDir tmp("net_errors");
  const std::string& dir = tmp.path();
  CHECK_THAT(input_error_of([&] { load_network(dir + "/missing.json"); }),
             Contains(dir + "/missing.json: cannot open file"));
  write_file(dir + "/broken.json", R"({"name": "x", "input": )");
  CHECK_THAT(input_error_of([&] { load_network(dir + "/broken.json"); }),
             Contains(dir + "/broken.json: malformed JSON"));
  write_file(dir + "/bad.json", net(R"({"name": "c", "type": "conv", "out_channels": 4, "kernel": 9})"));
  CHECK_THAT(input_error_of([&] { load_network(dir + "/bad.json"); }),
             StartsWith(dir + "/bad.json: layers[0] (c): kernel 9"));
}
