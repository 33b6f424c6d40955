#include "quant/weights_gen.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "common/huge_pages.h"
#include "common/two_halves.h"

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
std::mt19937_64 block_stream(uint64_t seed, uint64_t id, uint64_t block) {
  return std::mt19937_64(mix(mix(mix(seed) ^ id) ^ block));
}

float uniform(std::mt19937_64& rng, double lo, double hi) {
  return float(lo + (hi - lo) * unit_interval(rng()));
}

}  // namespace

double unit_interval(uint64_t bits) { return double(bits >> 11) * 0x1.0p-53; }

int64_t weight_count(const Layer& l) {
  if (l.type == LayerType::conv)
    return int64_t(l.out_channels) * (l.in_shape.c / l.groups) * l.kernel * l.kernel;
  if (l.type == LayerType::fc)
    return int64_t(l.out_channels) * (l.per_step ? int64_t(l.in_shape.h) * l.in_shape.w
                                                 : l.in_shape.elements());
  if (l.type == LayerType::embedding) return int64_t(l.vocab_size) * l.out_channels;
  if (is_recurrent(l.type)) {
    const int64_t h = l.rnn.hidden_size;
    return gate_count(l.type) * h * (l.rnn.input_size + h) + (l.rnn.peepholes ? 3 * h : 0);
  }
  return 0;
}

int64_t bias_count(const Layer& l) {
  if (l.type == LayerType::conv || l.type == LayerType::fc) return l.out_channels;
  if (is_recurrent(l.type))
    return (2 * int64_t(gate_count(l.type)) +
            (l.rnn.initial_state ? (l.type == LayerType::lstm ? 2 : 1) : 0)) *
           l.rnn.hidden_size;
  return 0;
}

void generate_layer(const Network& net, uint64_t seed, size_t i, FloatLayerParams& p) {
  const Layer& l = net.layers.at(i);
  const int64_t n = weight_count(l);
  if (n == 0) {
    p.weights.clear();
    p.bias.clear();
    return;
  }
  double limit = 1.0, bias_limit = 0.1;
  if (l.type == LayerType::conv || l.type == LayerType::fc)
    limit = std::sqrt(6.0 / double(n / l.out_channels));
  if (is_recurrent(l.type)) limit = bias_limit = 1.0 / std::sqrt(double(l.rnn.hidden_size));
  resize_on_huge_pages(p.weights, size_t(n));
  p.bias.resize(size_t(bias_count(l)));
  const size_t blocks = (size_t(n) + kWeightBlock - 1) / kWeightBlock;
  in_two_halves(blocks, 2, [&](size_t begin, size_t end) {
    for (size_t b = begin; b < end; ++b) {
      std::mt19937_64 rng = b == 0 ? stream(seed, i) : block_stream(seed, i, b);
      float* w = p.weights.data() + b * kWeightBlock;
      const size_t count = std::min(kWeightBlock, size_t(n) - b * kWeightBlock);
      for (size_t k = 0; k < count; ++k) w[k] = uniform(rng, -limit, limit);
      if (b == 0)
        for (float& x : p.bias) x = uniform(rng, -bias_limit, bias_limit);
    }
  });
}

FloatNetwork generate_weights(const Network& net, uint64_t seed) {
  FloatNetwork f{net, std::vector<FloatLayerParams>(net.layers.size())};
  for (size_t i = 0; i < net.layers.size(); ++i) generate_layer(net, seed, i, f.params[i]);
  return f;
}

Tensor<float> generate_input(Shape shape, uint64_t seed) {
  Tensor<float> t(shape);
  std::mt19937_64 rng = stream(seed, kInputStream);
  for (float& x : t.data) x = uniform(rng, -1.0, 1.0);
  return t;
}

}  // namespace shiftsim::quant
