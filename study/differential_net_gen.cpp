#include "study/differential_net_gen.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "common/input_error.h"

namespace shiftsim::sim {

namespace {
using quant::LayerType;
using quant::Shape;
// Ordered, so that the kept network reads as people write them: name and type first.
using json = nlohmann::ordered_json;

// Conv three times as often as any other kind: it has the most rules (pieces, groups, padding,
// steps over input channels).
const std::vector<LayerType> kKindDraws = {LayerType::conv,    LayerType::conv,    LayerType::conv,
                                           LayerType::fc,      LayerType::maxpool, LayerType::avgpool,
                                           LayerType::relu,    LayerType::add,     LayerType::concat,
                                           LayerType::flatten};

// The tensors a new layer may read: the network input, then every layer so far.
struct Tensors {
  std::vector<std::string> names;
  std::vector<Shape> shapes;
  size_t last() const { return names.size() - 1; }
};

struct Window {
  int kernel = 1, stride = 1, pad = 0;
};

std::string window_text(const Window& w) {
  return "K" + std::to_string(w.kernel) + " S" + std::to_string(w.stride) + " P" + std::to_string(w.pad);
}

void put_window(json& layer, const Window& w) {
  layer["kernel"] = w.kernel;
  layer["stride"] = w.stride;
  layer["pad"] = w.pad;
}

// A square window that fits the padded input (K <= min(H, W) + 2 pad). Conv pads 0..K/2, as
// networks do; pooling 0..K-1, all the loader allows. The lowest pad that fits is never above
// the highest allowed (K <= side + 2 floor(K/2) for side >= 1), so one draw always succeeds.
Window draw_window(CaseRng& rng, const Shape& in, int max_kernel, int max_stride, bool conv) {
  Window w;
  w.kernel = rng.uniform(1, max_kernel);
  const int max_pad = conv ? w.kernel / 2 : w.kernel - 1;
  const int side = std::min(in.h, in.w);
  const int min_pad = std::max(0, (w.kernel - side + 1) / 2);
  w.pad = rng.uniform(min_pad, max_pad);
  w.stride = rng.uniform(1, max_stride);
  return w;
}

// Stride 1, odd kernel, pad K/2: the output has the input's height and width, so that an add or
// a concat further on finds a partner more often.
Window same_size_window(CaseRng& rng, int max_kernel) {
  Window w;
  w.kernel = 2 * rng.uniform(0, (max_kernel - 1) / 2) + 1;
  w.pad = w.kernel / 2;
  return w;
}

std::vector<int> divisors(int n) {
  std::vector<int> d;
  for (int i = 1; i <= n; ++i)
    if (n % i == 0) d.push_back(i);
  return d;
}

std::string conv_layer(CaseRng& rng, const CaseRanges& r, const Shape& in, json& layer) {
  const bool same = rng.chance(30);
  const Window w = same ? same_size_window(rng, r.max_conv_kernel)
                        : draw_window(rng, in, r.max_conv_kernel, r.max_conv_stride, true);
  // Keeping the channels after a flatten or a wide concat would make a huge layer.
  int out = same && in.c <= r.max_channels ? in.c : rng.log_uniform(1, r.max_channels);
  int groups = 1;
  if (rng.chance(15)) {  // depthwise, with a channel multiplier when it stays in range
    groups = in.c;
    out = in.c * rng.uniform(1, std::max(1, r.max_channels / in.c));
  } else if (rng.chance(25)) {
    groups = rng.pick(divisors(std::gcd(in.c, out)));
  }
  const bool relu = rng.chance(50);
  layer["type"] = "conv";
  layer["out_channels"] = out;
  put_window(layer, w);
  layer["groups"] = groups;
  layer["relu"] = relu;
  return "conv " + std::to_string(out) + " " + window_text(w) + " g" + std::to_string(groups) +
         (relu ? " relu" : "");
}

std::string pool_layer(CaseRng& rng, const CaseRanges& r, const Shape& in, bool max, json& layer) {
  const char* type = max ? "maxpool" : "avgpool";
  layer["type"] = type;
  if (in.h == in.w && rng.chance(10)) {
    layer["global"] = true;
    return std::string(type) + " global";
  }
  const Window w = rng.chance(30) ? same_size_window(rng, r.max_pool_kernel)
                                  : draw_window(rng, in, r.max_pool_kernel, r.max_pool_stride, false);
  put_window(layer, w);
  return std::string(type) + " " + window_text(w);
}

// Indices of the tensors a layer reading tensor `first` may combine it with: for add the same
// shape, for concat the same height and width. The tensor itself is a partner only when
// nothing else fits (x + x is still a valid pass).
std::vector<size_t> partners(const Tensors& t, size_t first, bool same_channels) {
  std::vector<size_t> out;
  for (size_t i = 0; i < t.shapes.size(); ++i) {
    const Shape& a = t.shapes[i];
    const Shape& b = t.shapes[first];
    if (i != first && a.h == b.h && a.w == b.w && (!same_channels || a.c == b.c)) out.push_back(i);
  }
  if (out.empty()) out.push_back(first);
  return out;
}

std::string input_list(CaseRng& rng, const Tensors& t, size_t count, bool same_channels, json& layer) {
  const std::vector<size_t> others = partners(t, t.last(), same_channels);
  std::vector<size_t> chosen = {t.last()};
  while (chosen.size() < count) chosen.push_back(rng.pick(others));
  std::swap(chosen[0], chosen[size_t(rng.uniform(0, int(count) - 1))]);
  std::string text = "(";
  for (size_t i = 0; i < chosen.size(); ++i) {
    layer["inputs"].push_back(t.names[chosen[i]]);
    text += (i ? "," : "") + t.names[chosen[i]];
  }
  return text + ")";
}

// Adds one layer of a drawn kind to `layer`; returns its description.
std::string draw_layer(CaseRng& rng, const CaseRanges& r, const Tensors& t, json& layer) {
  const Shape& in = t.shapes[t.last()];
  switch (rng.pick(kKindDraws)) {
    case LayerType::conv: return conv_layer(rng, r, in, layer);
    case LayerType::fc: {
      const int out = rng.log_uniform(1, r.max_channels);
      const bool relu = rng.chance(50);
      layer["type"] = "fc";
      layer["out_features"] = out;
      layer["relu"] = relu;
      return "fc " + std::to_string(out) + (relu ? " relu" : "");
    }
    case LayerType::maxpool: return pool_layer(rng, r, in, true, layer);
    case LayerType::avgpool: return pool_layer(rng, r, in, false, layer);
    case LayerType::relu:
      layer["type"] = "relu";
      return "relu";
    case LayerType::add: {
      layer["type"] = "add";
      const std::string inputs = input_list(rng, t, 2, true, layer);
      const bool relu = rng.chance(50);
      layer["relu"] = relu;
      return "add" + inputs + (relu ? " relu" : "");
    }
    case LayerType::concat:
      layer["type"] = "concat";
      return "concat" + input_list(rng, t, size_t(rng.uniform(2, 3)), false, layer);
    case LayerType::flatten:
      layer["type"] = "flatten";
      return "flatten";
    case LayerType::lstm:
    case LayerType::gru:
    case LayerType::embedding:
      break;  // not drawn: the accelerator runs no sequence layers yet
  }
  throw std::logic_error("draw_layer: unhandled layer kind");
}

// The network as a file: one line per layer, so that a kept case reads at a glance.
std::string network_text(const json& j) {
  std::string text = "{\n \"name\": " + j["name"].dump() + ",\n \"input\": " + j["input"].dump() +
                     ",\n \"layers\": [\n";
  const json& layers = j["layers"];
  for (size_t i = 0; i < layers.size(); ++i) text += "  " + layers[i].dump() + (i + 1 < layers.size() ? ",\n" : "\n");
  return text + " ]\n}\n";
}

quant::Network parse_or_bug(const std::string& text, const std::string& name) {
  try {
    return quant::parse_network(nlohmann::json::parse(text), name);
  } catch (const InputError& e) {
    throw std::logic_error("the difftest generator drew a network the loader refuses: " +
                           std::string(e.what()) + "\n" + text);
  }
}
}  // namespace

DrawnNetwork draw_network(CaseRng& rng, const CaseRanges& r, const std::string& name) {
  const Shape input{rng.log_uniform(1, r.max_channels), rng.log_uniform(1, r.max_size), 0};
  const Shape in{input.c, input.h, rng.chance(60) ? input.h : rng.log_uniform(1, r.max_size)};
  DrawnNetwork d;
  json doc = {{"name", name}, {"input", {{"shape", {in.c, in.h, in.w}}}}, {"layers", json::array()}};
  d.description = "in " + in.str();
  Tensors t{{"input"}, {in}};
  const int layers = rng.uniform(1, r.max_layers);
  for (int i = 0; i < layers; ++i) {
    const std::string layer_name = "l" + std::to_string(i);
    json layer = {{"name", layer_name}};
    const std::string text = draw_layer(rng, r, t, layer);
    doc["layers"].push_back(layer);
    // The loader infers the new shape (and checks the layer) rather than a second copy of its rules.
    d.text = network_text(doc);
    d.net = parse_or_bug(d.text, name);
    t.names.push_back(layer_name);
    t.shapes.push_back(d.net.layers.back().out_shape);
    d.description += "; " + layer_name + " " + text;
  }
  return d;
}

}  // namespace shiftsim::sim
