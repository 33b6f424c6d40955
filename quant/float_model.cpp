#include "quant/float_model.h"

#include <algorithm>
#include <cmath>

#include "common/input_error.h"
#include "quant/binfile.h"
#include "quant/embedded_network.h"

namespace shiftsim::quant {

namespace {
constexpr char kMagic[] = "SHSIMFLT";
constexpr uint64_t kMaxValues = uint64_t(1) << 31;

void check_values(const std::vector<float>& v, const std::string& where, const Layer& l,
                  const char* what) {
  for (size_t i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i]))
      throw InputError(where + ": layer " + l.name + ": " + what + "[" + std::to_string(i) +
                       "] is not finite");
}

std::vector<float> read_floats(ByteReader& r, const std::string& field) {
  const uint64_t n = r.count(field, std::min<uint64_t>(kMaxValues, r.remaining() / 4));
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = r.f32();
  return v;
}
}  // namespace

void check_float_network(const FloatNetwork& f, const std::string& where) {
  if (f.params.size() != f.net.layers.size())
    throw InputError(where + ": parameters for " + std::to_string(f.params.size()) +
                     " layers, network has " + std::to_string(f.net.layers.size()));
  for (size_t i = 0; i < f.params.size(); ++i) {
    const Layer& l = f.net.layers[i];
    const FloatLayerParams& p = f.params[i];
    const size_t nw = size_t(weight_count(l)), nb = size_t(bias_count(l));
    if (p.weights.size() != nw || p.bias.size() != nb)
      throw InputError(where + ": layer " + l.name + ": " + std::to_string(p.weights.size()) +
                       " weights and " + std::to_string(p.bias.size()) + " biases, expected " +
                       std::to_string(nw) + " and " + std::to_string(nb));
    check_values(p.weights, where, l, "weights");
    check_values(p.bias, where, l, "bias");
  }
}

void save_float_network(const std::string& path, const FloatNetwork& f) {
  check_float_network(f, path);
  ByteWriter w;
  write_embedded_network(w, f.net);
  w.u64(f.params.size());
  for (const FloatLayerParams& p : f.params) {
    w.u64(p.weights.size());
    for (float x : p.weights) w.f32(x);
    w.u64(p.bias.size());
    for (float x : p.bias) w.f32(x);
  }
  write_framed_file(path, kMagic, kFloatModelVersion, w.data());
}

FloatNetwork load_float_network(const std::string& path) {
  size_t begin = 0, end = 0;
  uint32_t version = 0;
  const std::vector<uint8_t> data =
      read_framed_file(path, kMagic, kFloatModelVersion, "float checkpoint", begin, end, version);
  ByteReader r(data, begin, end, path);
  FloatNetwork f;
  f.net = read_embedded_network(r);
  const uint64_t layers = r.count("layer count", f.net.layers.size());
  if (layers != f.net.layers.size())
    r.fail("parameters for " + std::to_string(layers) + " layers, network has " +
           std::to_string(f.net.layers.size()));
  f.params.resize(size_t(layers));
  for (size_t i = 0; i < layers; ++i) {
    const std::string at = "layer " + f.net.layers[i].name;
    f.params[i].weights = read_floats(r, at + " weights");
    f.params[i].bias = read_floats(r, at + " bias");
  }
  r.expect_end();
  check_float_network(f, path);
  return f;
}

}  // namespace shiftsim::quant
