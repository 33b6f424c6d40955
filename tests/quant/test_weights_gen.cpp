// Deterministic weights and inputs: same seed, same bytes; ranges as specified.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "quant/weights_gen.h"
#include "quant_test_util.h"

using namespace shiftsim::quant;
using namespace shiftsim::quant::test;

namespace {
bool same_bytes(const std::vector<float>& a, const std::vector<float>& b) {
  // memcmp must not get an empty vector's data(), which may be null (UBSan reports it).
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}
}  // namespace

TEST_CASE("unit interval conversion uses the top 53 bits") {
  CHECK(unit_interval(0) == 0.0);
  CHECK(unit_interval(~uint64_t(0)) == 1.0 - 0x1.0p-53);
  CHECK(unit_interval(uint64_t(1) << 11) == 0x1.0p-53);
  CHECK(unit_interval(uint64_t(1) << 63) == 0.5);
  CHECK(unit_interval((uint64_t(1) << 11) - 1) == 0.0);  // the low 11 bits are dropped
}

TEST_CASE("generated weights: reproducible, per-layer streams, He-uniform ranges") {
  Network n = load_network(zoo("tiny"));
  FloatNetwork a = generate_weights(n, 7), b = generate_weights(n, 7), c = generate_weights(n, 8);
  REQUIRE(a.params.size() == n.layers.size());
  for (size_t i = 0; i < n.layers.size(); ++i) {
    CHECK(same_bytes(a.params[i].weights, b.params[i].weights));
    CHECK(same_bytes(a.params[i].bias, b.params[i].bias));
  }
  CHECK_FALSE(same_bytes(a.params[0].weights, c.params[0].weights));

  CHECK(a.params[0].weights.size() == 16 * 3 * 9);
  CHECK(a.params[1].weights.size() == 16 * 16 * 9);
  CHECK(a.params[2].weights.empty());  // add
  CHECK(a.params[4].weights.size() == 10 * 4096);
  CHECK(a.params[4].bias.size() == 10);

  const double limits[] = {std::sqrt(6.0 / 27), std::sqrt(6.0 / 144), 0, 0, std::sqrt(6.0 / 4096)};
  for (size_t i : {0u, 1u, 4u}) {
    double lo = 1, hi = -1, sum = 0;
    for (float w : a.params[i].weights) {
      REQUIRE(std::fabs(w) <= limits[i] * (1 + 1e-6));
      lo = std::min(lo, double(w)), hi = std::max(hi, double(w)), sum += w;
    }
    // Spread over the whole range, centred on zero.
    CHECK(hi > 0.9 * limits[i]);
    CHECK(lo < -0.9 * limits[i]);
    CHECK(std::fabs(sum / double(a.params[i].weights.size())) < 0.1 * limits[i]);
    for (float bias : a.params[i].bias) REQUIRE(std::fabs(bias) <= 0.1f);
  }

  // Layer streams are independent: changing the last layer leaves the first untouched.
  Network n2 = n;
  n2.layers[4].out_channels = 12;
  n2.layers[4].out_shape.c = 12;
  FloatNetwork d = generate_weights(n2, 7);
  CHECK(same_bytes(a.params[0].weights, d.params[0].weights));
  CHECK(same_bytes(a.params[1].bias, d.params[1].bias));
  CHECK(d.params[4].weights.size() == 12 * 4096);
}

TEST_CASE("generated weights: grouped fan-in") {
  Network n = load_network(zoo("alexnet"));
  const Layer& conv2 = n.layers[2];
  REQUIRE(conv2.groups == 2);
  CHECK(weight_count(conv2) == 256 * 48 * 25);
  CHECK(weight_count(n.layers[1]) == 0);
  CHECK(weight_count(n.layers[8]) == 4096 * 9216);
}

TEST_CASE("generated input: reproducible, within -1..1, independent of the weights' streams") {
  Tensor<float> a = generate_input({3, 8, 8}, 5), b = generate_input({3, 8, 8}, 5),
                c = generate_input({3, 8, 8}, 6);
  CHECK(a.shape == Shape{3, 8, 8});
  CHECK(same_bytes(a.data, b.data));
  CHECK_FALSE(same_bytes(a.data, c.data));
  double lo = 1, hi = -1;
  for (float x : a.data) {
    REQUIRE(std::fabs(x) <= 1.0f);
    lo = std::min(lo, double(x)), hi = std::max(hi, double(x));
  }
  CHECK(lo < -0.8);
  CHECK(hi > 0.8);
  // A longer tensor starts with the same values (one stream, read in CHW order).
  Tensor<float> longer = generate_input({6, 8, 8}, 5);
  CHECK(std::equal(a.data.begin(), a.data.end(), longer.data.begin()));
}

TEST_CASE("generated values are pinned: saved experiments must not change silently") {
  // If this fails, the generator changed and every recorded result needs regenerating.
  Tensor<float> x = generate_input({1, 1, 3}, 1);
  FloatNetwork f = generate_weights(load_network(zoo("tiny")), 1);
  INFO("input " << x.data[0] << " " << x.data[1] << " " << x.data[2] << " weight "
                << f.params[0].weights[0] << " bias " << f.params[0].bias[0]);
  CHECK(x.data == (std::vector<float>{0.196529478f, 0.410765171f, -0.250463009f}));
  CHECK(f.params[0].weights[0] == -0.0551621765f);
  CHECK(f.params[0].bias[0] == -0.037704628f);
}

TEST_CASE("generated weights: a large layer's blocks have streams of their own, the first block the layer's") {
  auto fc = [](int out) {
    return parse_text(R"({"name": "big", "input": {"shape": [4096, 1, 1]}, "layers": [
      {"name": "fc", "type": "fc", "out_features": )" + std::to_string(out) + "}]}");
  };
  const Network big = fc(1000), small = fc(100);  // 4.1 M weights (4 blocks), 409,600 (one)
  FloatLayerParams a, b, s;
  generate_layer(big, 3, 0, a);
  generate_layer(big, 3, 0, b);  // two threads, same bytes
  generate_layer(small, 3, 0, s);
  REQUIRE(a.weights.size() == 4096000);
  CHECK(same_bytes(a.weights, b.weights));
  CHECK(same_bytes(a.bias, b.bias));
  // The layer's own stream starts both, so a layer of one block is generated as before blocks.
  CHECK(std::memcmp(a.weights.data(), s.weights.data(), s.weights.size() * sizeof(float)) == 0);
  // Blocks are not copies of each other, and each spans the range.
  const float* w = a.weights.data();
  CHECK(std::memcmp(w, w + kWeightBlock, 4096) != 0);
  const double limit = std::sqrt(6.0 / 4096);
  for (size_t blk = 0; blk < 4; ++blk) {
    double lo = 1, hi = -1;
    for (size_t k = blk * kWeightBlock; k < std::min(a.weights.size(), (blk + 1) * kWeightBlock); ++k)
      lo = std::min(lo, double(w[k])), hi = std::max(hi, double(w[k]));
    CHECK(hi > 0.99 * limit);
    CHECK(lo < -0.99 * limit);
    CHECK(hi <= limit * (1 + 1e-6));
  }
}
