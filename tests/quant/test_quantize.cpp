// quantize_network: weight formats, biases, calibrated output formats, and the result of the
// golden run against a float reference.
#include <catch2/catch.hpp>

#include <cmath>

#include "quant/fixed_point.h"
#include "quant/golden.h"
#include "quant/int_arith.h"
#include "quant/quantize.h"
#include "quant_test_util.h"

using namespace shiftsim::quant;
using namespace shiftsim::quant::test;
using Catch::Matchers::Contains;

namespace {
struct Setup {
  FloatNetwork f;
  Tensor<int16_t> x;
  FixedFormat fmt;
};
Setup setup(const std::string& net, int act_bits = 16) {
  Setup s{generate_weights(load_network(zoo(net)), 3), {}, default_input_format(act_bits)};
  s.x = quantize_input(generate_input(s.f.net.input, 4), s.fmt);
  return s;
}

// Float forward pass of conv/fc/add/maxpool networks (the float model being quantized).
std::vector<Tensor<double>> float_forward(const FloatNetwork& f, const Tensor<float>& x) {
  std::vector<Tensor<double>> outs;
  for (size_t i = 0; i < f.net.layers.size(); ++i) {
    const Layer& l = f.net.layers[i];
    auto input = [&](int k) -> Tensor<double> {
      if (k != kNetworkInput) return outs[size_t(k)];
      Tensor<double> t(x.shape);
      std::copy(x.data.begin(), x.data.end(), t.data.begin());
      return t;
    };
    Tensor<double> in = input(l.inputs[0]), out(l.out_shape);
    if (l.type == LayerType::conv || l.type == LayerType::fc) {
      const bool fc = l.type == LayerType::fc;
      const Shape s = fc ? Shape{int(in.shape.elements()), 1, 1} : in.shape;
      const int k = fc ? 1 : l.kernel, st = fc ? 1 : l.stride, pad = fc ? 0 : l.pad;
      const int cin = s.c / l.groups, cout = l.out_channels / l.groups;
      const auto& w = f.params[i].weights;
      for (int m = 0; m < l.out_channels; ++m)
        for (int oy = 0; oy < out.shape.h; ++oy)
          for (int ox = 0; ox < out.shape.w; ++ox) {
            double acc = f.params[i].bias[size_t(m)];
            for (int c = 0; c < cin; ++c)
              for (int ky = 0; ky < k; ++ky)
                for (int kx = 0; kx < k; ++kx) {
                  const int y = oy * st - pad + ky, xx = ox * st - pad + kx;
                  if (y < 0 || y >= s.h || xx < 0 || xx >= s.w) continue;
                  acc += in.data[(size_t((m / cout) * cin + c) * s.h + y) * s.w + xx] *
                         w[((size_t(m) * cin + c) * k + ky) * k + kx];
                }
            out.at(m, oy, ox) = l.relu ? std::max(acc, 0.0) : acc;
          }
    } else if (l.type == LayerType::add) {
      Tensor<double> b = input(l.inputs[1]);
      for (size_t e = 0; e < out.data.size(); ++e)
        out.data[e] = l.relu ? std::max(in.data[e] + b.data[e], 0.0) : in.data[e] + b.data[e];
    } else if (l.type == LayerType::maxpool) {
      for (int c = 0; c < out.shape.c; ++c)
        for (int oy = 0; oy < out.shape.h; ++oy)
          for (int ox = 0; ox < out.shape.w; ++ox) {
            double best = -1e300;
            for (int ky = 0; ky < l.kernel; ++ky)
              for (int kx = 0; kx < l.kernel; ++kx) {
                const int y = oy * l.stride - l.pad + ky, xx = ox * l.stride - l.pad + kx;
                if (y >= 0 && y < in.shape.h && xx >= 0 && xx < in.shape.w) best = std::max(best, in.at(c, y, xx));
              }
            out.at(c, oy, ox) = best;
          }
    } else {
      FAIL("float reference does not handle " << to_string(l.type));
    }
    outs.push_back(out);
  }
  return outs;
}
}  // namespace

TEST_CASE("output_shift: the smallest shift whose rounded extremes fit") {
  CHECK(output_shift(0, 32767, 16) == 0);
  CHECK(output_shift(-32768, 0, 16) == 0);
  CHECK(output_shift(0, 32768, 16) == 1);
  CHECK(output_shift(-32769, 0, 16) == 1);   // -16384.5 -> -16384
  CHECK(output_shift(0, 65534, 16) == 1);    // 32767
  CHECK(output_shift(0, 65535, 16) == 2);    // 32767.5 would round up to 32768
  CHECK(output_shift(-65536, 0, 16) == 1);   // -32768 fits
  CHECK(output_shift(-65537, 0, 16) == 1);   // -32768.5 rounds up to -32768: fits
  CHECK(output_shift(-65538, 0, 16) == 2);   // -32769
  CHECK(output_shift(0, int64_t(1) << 40, 8) == 34);
  CHECK(output_shift(0, 0, 8) == 0);
}

TEST_CASE("quantize_network: formats follow the calibration rules (tiny, fixed 8-bit)") {
  Setup s = setup("tiny");
  QuantOptions o;
  o.weight_bits = 8;
  QuantizedNetwork qn = quantize_network(s.f, o, s.x, s.fmt);
  REQUIRE(qn.layers.size() == 5);
  CHECK(qn.input.frac == 15);
  CHECK(qn.act_bits == 16);
  CHECK(qn.acc_bits == 48);

  // Replay each layer with the golden pieces and check the shift is the smallest that fits.
  std::vector<Tensor<int16_t>> outs;
  for (size_t i = 0; i < qn.net.layers.size(); ++i) {
    const Layer& l = qn.net.layers[i];
    const QLayer& q = qn.layers[i];
    std::vector<const Tensor<int16_t>*> in;
    for (int k : l.inputs) in.push_back(k == kNetworkInput ? &s.x : &outs[size_t(k)]);
    const FixedFormat fin = format_of(qn, l.inputs[0]);
    CHECK(q.out.bits == 16);
    Tensor<int64_t> sum;
    int from = 0;
    uint64_t sat = 0;
    if (l.type == LayerType::conv || l.type == LayerType::fc) {
      CHECK(q.weight_kind == WeightKind::fixed);
      CHECK(q.weight_bits == 8);
      for (int32_t w : q.weights) REQUIRE(std::abs(w) <= 127);
      const auto& fb = s.f.params[i].bias;
      for (size_t m = 0; m < fb.size(); ++m)
        REQUIRE(q.bias[m] == int64_t(round_half_away(std::ldexp(double(fb[m]), fin.frac + q.w_frac))));
      sum = conv_accumulate(*in[0], l, q, qn.acc_bits, qn.overflow, sat);
      from = fin.frac + q.w_frac;
    } else if (l.type == LayerType::add) {
      const int fb = format_of(qn, l.inputs[1]).frac;
      sum = add_aligned(*in[0], fin.frac, *in[1], fb);
      from = std::max(fin.frac, fb);
    } else {
      CHECK(q.out.frac == fin.frac);  // maxpool passes the format through
    }
    if (!sum.data.empty()) {
      const int shift = from - q.out.frac;
      REQUIRE(shift >= 0);
      int64_t lo = 0, hi = 0;
      for (int64_t v : sum.data) lo = std::min(lo, v), hi = std::max(hi, v);
      if (l.relu) lo = 0;
      CHECK(rshift_round(hi, shift) <= 32767);
      CHECK(rshift_round(lo, shift) >= -32768);
      if (shift > 0) CHECK((rshift_round(hi, shift - 1) > 32767 || rshift_round(lo, shift - 1) < -32768));
    }
    outs.push_back(run_layer(qn, int(i), in, sat));
  }
  // The recorded formats reproduce the calibration: the golden run equals the replay.
  GoldenRun run = run_golden(qn, s.x);
  for (size_t i = 0; i < outs.size(); ++i) CHECK(run.outputs[i].data == outs[i].data);
}

TEST_CASE("quantize_network: 16-bit golden run tracks the float network") {
  for (WeightKind kind : {WeightKind::fixed, WeightKind::pow2}) {
    Setup s = setup("tiny");
    QuantOptions o;
    o.weight_kind = kind;
    o.weight_bits = kind == WeightKind::fixed ? 16 : 5;
    QuantizedNetwork qn = quantize_network(s.f, o, s.x, s.fmt);
    FloatNetwork reference = s.f;
    if (kind == WeightKind::pow2) {
      // Compare against the float network with the power-of-two weights it was given.
      for (size_t i = 0; i < qn.layers.size(); ++i)
        for (size_t k = 0; k < qn.layers[i].weights.size(); ++k)
          reference.params[i].weights[k] = float(std::ldexp(double(qn.layers[i].weights[k]), -qn.layers[i].w_frac));
    }
    Tensor<float> xf(s.x.shape);
    for (size_t k = 0; k < xf.data.size(); ++k) xf.data[k] = float(std::ldexp(double(s.x.data[k]), -15));
    auto want = float_forward(reference, xf);
    GoldenRun run = run_golden(qn, s.x);
    for (size_t i = 0; i < want.size(); ++i) {
      double peak = 0, worst = 0;
      for (size_t k = 0; k < want[i].data.size(); ++k) {
        const double got = std::ldexp(double(run.outputs[i].data[k]), -qn.layers[i].out.frac);
        peak = std::max(peak, std::fabs(want[i].data[k]));
        worst = std::max(worst, std::fabs(got - want[i].data[k]));
      }
      INFO("layer " << qn.net.layers[i].name << " peak " << peak << " worst error " << worst);
      CHECK(worst <= 3e-4 * peak);  // 16-bit activations: errors of a few 2^-15 of the peak
      CHECK(run.saturations[i] == 0);
    }
  }
}

TEST_CASE("quantize_network: pow2 weights, concat and pass-through formats, determinism") {
  FloatNetwork f = generate_weights(parse_text(R"({"name": "t", "input": {"shape": [2, 6, 6]}, "layers": [
      {"name": "a", "type": "conv", "out_channels": 4, "kernel": 3, "pad": 1, "relu": true},
      {"name": "b", "type": "conv", "inputs": ["input"], "out_channels": 3, "kernel": 1},
      {"name": "k", "type": "concat", "inputs": ["a", "b", "input"]},
      {"name": "p", "type": "avgpool", "kernel": 2},
      {"name": "r", "type": "relu"},
      {"name": "g", "type": "maxpool", "global": true},
      {"name": "fl", "type": "flatten"},
      {"name": "fc", "type": "fc", "out_features": 5}]})"), 11);
  const FixedFormat fmt{8, 7};
  const Tensor<int16_t> x = quantize_input(generate_input(f.net.input, 12), fmt);
  QuantOptions o;
  o.act_bits = 8;
  o.weight_kind = WeightKind::pow2;
  o.weight_bits = 4;
  o.acc_bits = 32;
  QuantizedNetwork qn = quantize_network(f, o, x, fmt);
  for (size_t i : {0u, 1u, 7u}) {
    CHECK(qn.layers[i].weight_kind == WeightKind::pow2);
    for (int32_t w : qn.layers[i].weights) {
      const int32_t m = std::abs(w);
      REQUIRE((m == 0 || ((m & (m - 1)) == 0 && m <= 64)));
    }
  }
  const int fa = qn.layers[0].out.frac, fb = qn.layers[1].out.frac;
  CHECK(qn.layers[2].out.frac == std::min({fa, fb, 7}));
  for (size_t i = 3; i < 7; ++i) CHECK(qn.layers[i].out.frac == qn.layers[2].out.frac);
  GoldenRun run = run_golden(qn, x);
  for (const auto& t : run.outputs)
    for (int16_t v : t.data) REQUIRE((v >= -128 && v <= 127));
  // Same inputs, same network, same bits.
  QuantizedNetwork again = quantize_network(f, o, x, fmt);
  for (size_t i = 0; i < qn.layers.size(); ++i) {
    CHECK(again.layers[i].out.frac == qn.layers[i].out.frac);
    CHECK(again.layers[i].weights == qn.layers[i].weights);
    CHECK(again.layers[i].bias == qn.layers[i].bias);
  }
  GoldenRun run2 = run_golden(again, x);
  for (size_t i = 0; i < run.outputs.size(); ++i) CHECK(run2.outputs[i].data == run.outputs[i].data);
}

TEST_CASE("quantize_network: bad options and inputs are InputErrors") {
  Setup s = setup("tiny");
  QuantOptions o;
  o.weight_kind = WeightKind::pow2;
  o.weight_bits = 6;
  CHECK_THAT(input_error_of([&] { quantize_network(s.f, o, s.x, s.fmt); }),
             Contains("weight_bits (pow2) must be in [2, 5], got 6"));
  o = QuantOptions{};
  o.act_bits = 17;
  CHECK_THAT(input_error_of([&] { quantize_network(s.f, o, s.x, s.fmt); }), Contains("act_bits must be in [2, 16]"));
  o = QuantOptions{};
  o.acc_bits = 63;
  CHECK_THAT(input_error_of([&] { quantize_network(s.f, o, s.x, s.fmt); }), Contains("acc_bits"));
  o = QuantOptions{};
  o.weight_bits = 1;
  CHECK_THAT(input_error_of([&] { quantize_network(s.f, o, s.x, s.fmt); }), Contains("weight_bits (fixed)"));
  o = QuantOptions{};
  CHECK_THAT(input_error_of([&] { quantize_network(s.f, o, Tensor<int16_t>(Shape{3, 8, 8}), s.fmt); }),
             Contains("calibration input is 3x8x8, network tiny expects 3x32x32"));
  CHECK_THAT(input_error_of([&] { quantize_network(s.f, o, s.x, FixedFormat{8, 7}); }),
             Contains("does not fit 8 bits"));
  FloatNetwork broken = s.f;
  broken.params[1].weights.pop_back();
  CHECK_THAT(input_error_of([&] { quantize_network(broken, o, s.x, s.fmt); }),
             Contains("layer c2: 2303 weights and 16 biases, expected 2304 and 16"));
}

TEST_CASE("quantize_network: zoo networks quantize and run (lenet5, resnet18)") {
  for (const char* name : {"lenet5", "resnet18"}) {
    Setup s = setup(name);
    QuantOptions o;
    o.weight_kind = WeightKind::pow2;
    o.weight_bits = 4;
    QuantizedNetwork qn = quantize_network(s.f, o, s.x, s.fmt);
    GoldenRun run = run_golden(qn, s.x);
    INFO(name);
    REQUIRE(run.outputs.size() == qn.net.layers.size());
    CHECK(run.outputs.back().shape == qn.net.layers.back().out_shape);
    int nonzero = 0;
    for (int16_t v : run.outputs.back().data) nonzero += v != 0;
    CHECK(nonzero > int(run.outputs.back().data.size()) / 2);
    for (uint64_t sat : run.saturations) CHECK(sat == 0);
  }
}

TEST_CASE("quantize_network: the calibration pass's outputs are the golden run's, saturations included") {
  // The run keeps them instead of running the network again (sim/runner.h, Prepared::golden).
  uint64_t saturated = 0;
  for (const char* net : {"tiny", "lenet5", "densenet_small"}) {
    for (WeightKind kind : {WeightKind::fixed, WeightKind::pow2}) {
      INFO(net << (kind == WeightKind::pow2 ? " pow2" : " fixed"));
      const Setup s = setup(net, 8);
      QuantOptions o;
      o.act_bits = 8;
      o.weight_kind = kind;
      o.weight_bits = kind == WeightKind::pow2 ? 3 : 8;
      o.acc_bits = 12;  // narrow enough that some sums saturate
      GoldenRun calibration;
      const QuantizedNetwork qn = quantize_network(s.f, o, s.x, s.fmt, &calibration);
      const GoldenRun golden = run_golden(qn, s.x);
      REQUIRE(calibration.outputs.size() == golden.outputs.size());
      for (size_t i = 0; i < golden.outputs.size(); ++i) {
        INFO("layer " << qn.net.layers[i].name);
        CHECK(calibration.outputs[i].shape.str() == golden.outputs[i].shape.str());
        CHECK(calibration.outputs[i].data == golden.outputs[i].data);
      }
      CHECK(calibration.saturations == golden.saturations);
      for (uint64_t n : golden.saturations) saturated += n;
    }
  }
  CHECK(saturated > 0);
}
