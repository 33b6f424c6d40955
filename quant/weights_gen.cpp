#include "quant/weights_gen.h"

#include <cmath>
#include <random>

namespace shiftsim::quant {

namespace {

// SplitMix64 finaliser: turns (seed, stream) pairs into well-spread mt19937_64 seeds, so that
// nearby seeds and layer indices give unrelated streams.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Stream ids: layer i uses i; the input uses a value no layer index reaches.
constexpr uint64_t kInputStream = ~uint64_t(0);

std::mt19937_64 stream(uint64_t seed, uint64_t id) { return std::mt19937_64(mix(mix(seed) ^ id)); }

float uniform(std::mt19937_64& rng, double lo, double hi) {
  return float(lo + (hi - lo) * unit_interval(rng()));
}

}  // namespace

double unit_interval(uint64_t bits) { return double(bits >> 11) * 0x1.0p-53; }

int64_t weight_count(const Layer& l) {
  if (l.type == LayerType::conv)
    return int64_t(l.out_channels) * (l.in_shape.c / l.groups) * l.kernel * l.kernel;
  if (l.type == LayerType::fc) return int64_t(l.out_channels) * l.in_shape.elements();
  return 0;
}

FloatNetwork generate_weights(const Network& net, uint64_t seed) {
  FloatNetwork f{net, std::vector<FloatLayerParams>(net.layers.size())};
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    int64_t n = weight_count(l);
    if (n == 0) continue;
    int64_t fan_in = n / l.out_channels;
    double limit = std::sqrt(6.0 / double(fan_in));
    std::mt19937_64 rng = stream(seed, i);
    FloatLayerParams& p = f.params[i];
    p.weights.resize(size_t(n));
    for (float& w : p.weights) w = uniform(rng, -limit, limit);
    p.bias.resize(size_t(l.out_channels));
    for (float& b : p.bias) b = uniform(rng, -0.1, 0.1);
  }
  return f;
}

Tensor<float> generate_input(Shape shape, uint64_t seed) {
  Tensor<float> t(shape);
  std::mt19937_64 rng = stream(seed, kInputStream);
  for (float& x : t.data) x = uniform(rng, -1.0, 1.0);
  return t;
}

}  // namespace shiftsim::quant
