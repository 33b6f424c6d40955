// The fast golden conv (im2col, tiles, pixel blocks, two threads) against a naive loop nest on
// shapes that exercise every edge: odd pixel counts, channel counts not a multiple of 4, groups,
// stride, padding, several pixel blocks, the threaded path, fc, extreme values.
#include <catch2/catch.hpp>

#include <random>

#include "quant/golden.h"
#include "quant/int_arith.h"
#include "quant_test_util.h"

using namespace shiftsim::quant;
using shiftsim::quant::test::parse_text;

namespace {
struct Case {
  std::string layer;  // JSON
  Shape input;
  bool extreme;       // activations and weights at +-2^15
};

// The definition, written the obvious way.
Tensor<int64_t> naive_conv(const Tensor<int16_t>& x, const Layer& l, const QLayer& q, int acc_bits,
                           Overflow ov, uint64_t& sat) {
  const bool fc = l.type == LayerType::fc;
  const Shape in = fc ? Shape{int(x.shape.elements()), 1, 1} : x.shape;
  const int k = fc ? 1 : l.kernel, stride = fc ? 1 : l.stride, pad = fc ? 0 : l.pad,
            groups = fc ? 1 : l.groups;
  Tensor<int64_t> out(l.out_shape);
  const int cin = in.c / groups, cout = l.out_channels / groups;
  for (int m = 0; m < l.out_channels; ++m)
    for (int oy = 0; oy < l.out_shape.h; ++oy)
      for (int ox = 0; ox < l.out_shape.w; ++ox) {
        int64_t acc = q.bias[size_t(m)];
        for (int c = 0; c < cin; ++c)
          for (int ky = 0; ky < k; ++ky)
            for (int kx = 0; kx < k; ++kx) {
              const int y = oy * stride - pad + ky, xx = ox * stride - pad + kx;
              if (y < 0 || y >= in.h || xx < 0 || xx >= in.w) continue;
              const int ci = (m / cout) * cin + c;
              acc += int64_t(x.data[(size_t(ci) * in.h + y) * in.w + xx]) *
                     q.weights[((size_t(m) * cin + c) * k + ky) * k + kx];
            }
        int64_t r = ov == Overflow::wrap ? wrap_to_bits(acc, acc_bits) : clamp_to_bits(acc, acc_bits);
        sat += ov == Overflow::saturate && r != acc;
        out.at(m, oy, ox) = r;
      }
  return out;
}

void check_case(const Case& c, unsigned seed, int acc_bits, Overflow ov) {
  Network net = parse_text(R"({"name": "t", "input": {"shape": [)" + std::to_string(c.input.c) + ", " +
                           std::to_string(c.input.h) + ", " + std::to_string(c.input.w) +
                           R"(]}, "layers": [)" + c.layer + "]}");
  const Layer& l = net.layers[0];
  std::mt19937 rng(seed);
  QLayer q;
  const size_t per_out = size_t(l.in_shape.elements()) / size_t(l.in_shape.h * l.in_shape.w) /
                         size_t(l.groups) * size_t(l.kernel * l.kernel);
  const size_t nw = l.type == LayerType::fc ? size_t(l.out_channels) * size_t(l.in_shape.elements())
                                            : size_t(l.out_channels) * per_out;
  for (size_t i = 0; i < nw; ++i)
    q.weights.push_back(c.extreme ? (i % 3 == 0 ? 32767 : -32767) : int32_t(rng() % 511) - 255);
  for (int m = 0; m < l.out_channels; ++m) q.bias.push_back(int64_t(rng() % 2000001) - 1000000);
  Tensor<int16_t> x(l.in_shape);
  for (auto& v : x.data) v = c.extreme ? int16_t(rng() % 2 ? -32768 : 32767) : int16_t(rng());
  uint64_t sat_fast = 0, sat_naive = 0;
  Tensor<int64_t> fast = conv_accumulate(x, l, q, acc_bits, ov, sat_fast);
  Tensor<int64_t> want = naive_conv(x, l, q, acc_bits, ov, sat_naive);
  INFO(c.layer << " input " << c.input.str() << " acc_bits " << acc_bits);
  REQUIRE(fast.shape == want.shape);
  REQUIRE(fast.data == want.data);
  REQUIRE(sat_fast == sat_naive);
}
}  // namespace

TEST_CASE("golden conv equals the naive loop nest") {
  const std::vector<Case> cases = {
      {R"({"name": "c", "type": "conv", "out_channels": 5, "kernel": 3, "pad": 1})", {3, 7, 9}, false},
      {R"({"name": "c", "type": "conv", "out_channels": 7, "kernel": 5, "stride": 2, "pad": 2})", {2, 11, 10}, false},
      {R"({"name": "c", "type": "conv", "out_channels": 6, "kernel": 3, "stride": 3, "groups": 3})", {9, 10, 10}, false},
      {R"({"name": "c", "type": "conv", "out_channels": 8, "kernel": 1, "groups": 4})", {8, 40, 41}, false},
      {R"({"name": "c", "type": "conv", "out_channels": 9, "kernel": 11, "stride": 4})", {3, 31, 31}, true},
      {R"({"name": "c", "type": "conv", "out_channels": 66, "kernel": 3, "pad": 1, "groups": 2})", {64, 33, 31}, false},
      {R"({"name": "c", "type": "conv", "out_channels": 4, "kernel": 3, "pad": 2})", {1, 1, 1}, false},
      {R"({"name": "f", "type": "fc", "out_features": 13})", {5, 3, 7}, false},
      {R"({"name": "f", "type": "fc", "out_features": 4})", {3000, 1, 1}, true},
      {R"({"name": "f", "type": "fc", "out_features": 130})", {64, 16, 16}, false},
  };
  unsigned seed = 1;
  for (const auto& c : cases) {
    check_case(c, seed++, 48, Overflow::saturate);
    check_case(c, seed++, 20, Overflow::saturate);  // many saturations
    check_case(c, seed++, 20, Overflow::wrap);
  }
}
