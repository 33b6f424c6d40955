// Network JSON -> IR. Every layer is read with JsonReader (so unknown keys and bad values are
// errors naming the file and JSON path), wired to earlier layers, then shape-checked.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/json_reader.h"
#include "common/json_text.h"
#include "quant/network.h"
#include "quant/network_json_layers.h"
#include "quant/shape_inference.h"

namespace shiftsim::quant {

namespace {

// Sizes beyond this are typos; the bound also keeps products of two sizes inside int64.
constexpr int64_t kMaxSize = int64_t(1) << 20;

// In LayerType's order.
const std::vector<std::string> kTypeNames = {"conv", "fc",     "maxpool", "avgpool",
                                             "relu", "add",    "concat",  "flatten",
                                             "lstm", "gru",    "embedding"};

LayerType type_from_name(const std::string& s) {
  for (size_t i = 0; i < kTypeNames.size(); ++i)
    if (kTypeNames[i] == s) return LayerType(i);
  return LayerType::conv;  // unreachable: JsonReader::choice has checked the name
}

[[noreturn]] void fail_layer(const JsonReader& r, const std::string& name,
                             const std::string& problem) {
  throw InputError(r.file() + ": " + r.path() + " (" + name + "): " + problem);
}

Shape read_input_shape(JsonReader& top) {
  JsonReader in = top.child("input", "the network input");
  std::vector<int64_t> s = in.int_list("shape", 1, kMaxSize, "input shape [C, H, W]");
  if (s.size() != 3)
    in.fail("shape", "must be [C, H, W], found " + std::to_string(s.size()) + " values");
  in.finish();
  Shape shape{int(s[0]), int(s[1]), int(s[2])};
  if (shape.elements() > INT32_MAX) in.fail("shape", "more than 2^31 - 1 elements");
  return shape;
}

std::string read_name(JsonReader& r, const Network& net) {
  std::string name = r.str("name", "unique layer name");
  if (name.empty()) r.fail("name", "must not be empty");
  if (name == "input") r.fail("name", "\"input\" is reserved for the network input");
  // Names become file names (--dump-outputs) and CSV fields: keep them to a safe alphabet.
  const bool safe = name.size() <= 128 && name[0] != '.' &&
                    name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                           "0123456789_.-") == std::string::npos;
  if (!safe)
    r.fail("name", "\"" + excerpt(name) + "\" must be 1..128 of A-Z a-z 0-9 _ . - and not start with '.'");
  int other = net.index_of(name);
  if (other >= 0)
    r.fail("name", "duplicate layer name \"" + name + "\" (also layers[" +
                       std::to_string(other) + "])");
  return name;
}

// A layer reads the previous layer (or the network input) unless it names its inputs.
std::vector<int> read_inputs(JsonReader& r, const Network& net) {
  if (!r.has("inputs"))
    return {net.layers.empty() ? kNetworkInput : int(net.layers.size()) - 1};
  std::vector<std::string> names =
      r.str_list("inputs", "names of earlier layers, or \"input\" for the network input");
  if (names.empty()) r.fail("inputs", "must name at least one input");
  std::vector<int> out;
  for (size_t k = 0; k < names.size(); ++k) {
    if (names[k] == "input") {
      out.push_back(kNetworkInput);
      continue;
    }
    int idx = net.index_of(names[k]);
    if (idx < 0)
      r.fail("inputs[" + std::to_string(k) + "]",
             "no layer named \"" + excerpt(names[k]) + "\" before this one");
    out.push_back(idx);
  }
  return out;
}

void check_input_count(const JsonReader& r, const Layer& l) {
  size_t n = l.inputs.size();
  std::string need;
  if (l.type == LayerType::add && n != 2) need = "exactly 2 inputs";
  if (l.type == LayerType::concat && n < 2) need = "at least 2 inputs";
  if (l.type != LayerType::add && l.type != LayerType::concat && n != 1) need = "exactly 1 input";
  if (!need.empty())
    r.fail("inputs", std::string(to_string(l.type)) + " takes " + need + ", found " +
                         std::to_string(n) +
                         (r.has("inputs") ? "" : " (without \"inputs\" it reads the previous layer)"));
}

void read_conv(JsonReader& r, Layer& l) {
  l.out_channels = int(r.integer("out_channels", 1, kMaxSize, "output channels"));
  l.kernel = int(r.integer("kernel", 1, kMaxSize, "square kernel size"));
  l.stride = int(r.integer("stride", 1, 1, kMaxSize, "stride"));
  l.pad = int(r.integer("pad", 0, 0, kMaxSize, "zero padding on each side"));
  l.groups = int(r.integer("groups", 1, 1, kMaxSize, "channel groups; divides in and out channels"));
  l.relu = r.flag("relu", false, "ReLU fused at the output");
}

void read_fc(JsonReader& r, Layer& l) {
  l.out_channels = int(r.integer("out_features", 1, kMaxSize, "output features"));
  l.relu = r.flag("relu", false, "ReLU fused at the output");
  l.per_step = r.flag("per_step", false,
                      "apply to every step of a T x F x 1 sequence (T x out_features x 1)");
}

// "global": true pools the whole (square) input to 1x1.
void read_pool(JsonReader& r, Layer& l, const Shape& in) {
  if (r.flag("global", false, "pool the whole square input to 1x1")) {
    for (const char* key : {"kernel", "stride", "pad"})
      if (r.has(key)) r.fail(key, "not allowed with \"global\": true");
    if (in.h != in.w) fail_layer(r, l.name, "global pooling needs a square input, found " + in.str());
    l.kernel = in.h;
    l.stride = 1;
    l.pad = 0;
    return;
  }
  l.kernel = int(r.integer("kernel", 1, kMaxSize, "square window size"));
  l.stride = int(r.integer("stride", l.kernel, 1, kMaxSize, "stride (default: kernel)"));
  l.pad = int(r.integer("pad", 0, 0, kMaxSize, "padding on each side, < kernel"));
  if (l.pad >= l.kernel)
    r.fail("pad", "must be < kernel (" + std::to_string(l.kernel) + "), found " +
                      std::to_string(l.pad));
}

Shape shape_of(const Network& net, int input) {
  return input == kNetworkInput ? net.input : net.layers[size_t(input)].out_shape;
}

Layer read_layer(JsonReader& r, const Network& net) {
  Layer l;
  l.name = read_name(r, net);
  l.type = type_from_name(r.choice("type", "", kTypeNames, "layer type"));
  l.inputs = read_inputs(r, net);
  check_input_count(r, l);
  std::vector<Shape> in_shapes;
  for (int i : l.inputs) in_shapes.push_back(shape_of(net, i));
  l.in_shape = in_shapes[0];

  switch (l.type) {
    case LayerType::conv: read_conv(r, l); break;
    case LayerType::fc: read_fc(r, l); break;
    case LayerType::maxpool:
    case LayerType::avgpool: read_pool(r, l, l.in_shape); break;
    case LayerType::add: l.relu = r.flag("relu", false, "ReLU fused at the output"); break;
    case LayerType::relu:
    case LayerType::concat:
    case LayerType::flatten: break;
    case LayerType::lstm:
    case LayerType::gru: read_recurrent(r, l, l.in_shape); break;
    case LayerType::embedding: read_embedding(r, l); break;
  }
  r.finish();

  ShapeCheck check = infer_output_shape(l, in_shapes);
  if (!check.problem.empty()) {
    if (check.key.empty()) fail_layer(r, l.name, check.problem);
    r.fail(check.key, check.problem);
  }
  l.out_shape = check.out;
  return l;
}

}  // namespace

Network parse_network(const nlohmann::json& j, const std::string& file) {
  JsonReader top(j, file, "");
  Network net;
  net.name = top.str("name", "network name");
  top.str("description", "", "free text: origin, omissions");
  net.input = read_input_shape(top);
  const nlohmann::json& layers = top.raw("layers", "layers in execution order");
  if (!layers.is_array() || layers.empty()) top.fail("layers", "must be a non-empty list");
  top.finish();
  for (size_t i = 0; i < layers.size(); ++i) {
    JsonReader r(layers[i], file, "layers[" + std::to_string(i) + "]");
    net.layers.push_back(read_layer(r, net));
  }
  return net;
}

}  // namespace shiftsim::quant
