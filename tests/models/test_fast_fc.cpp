// Fast mode's fully connected path (models/fast/fc_datapath.h) against the definitions it
// replaces: its weight decoder against WeightLayout::unpack_values on every code width both
// arrays accept, and a step's sums against plain int64 dot products on extreme values. The
// end-to-end tests (tests/e2e) then hold whole fully connected layers equal to the golden
// executor and to cycle mode.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>

#include "models/act_bytes.h"
#include "models/fast/fc_datapath.h"
#include "models/pe_array/weight_layout.h"

using namespace shiftsim::models;

namespace {
ArchSpec arch_of(ArrayKind kind, uint32_t weight_bits, uint32_t lanes, uint32_t vector) {
  ArchSpec a;
  a.pe_array.kind = kind;
  a.pe_array.lanes = lanes;
  a.pe_array.vector = vector;
  a.pe_array.kernel = 1;
  a.numerics.weight_bits = weight_bits;
  return a;
}

Descriptor fc_desc(uint32_t in_c, uint32_t out_c) {
  Descriptor d;
  d.op = Op::conv;
  d.in_c = in_c;
  d.out_c = out_c;
  d.in_h = d.in_w = d.out_h = d.out_w = 1;
  d.kernel = 1;
  return d;
}
}  // namespace

TEST_CASE("fast fc: the weight decoder equals WeightLayout::unpack_values for every code width") {
  std::mt19937_64 rng(7);
  struct Width {
    ArrayKind kind;
    uint32_t bits;
  };
  for (const Width w : {Width{ArrayKind::svpe, 2}, Width{ArrayKind::svpe, 3}, Width{ArrayKind::svpe, 4},
                        Width{ArrayKind::svpe, 5}, Width{ArrayKind::vpe, 4}, Width{ArrayKind::vpe, 8},
                        Width{ArrayKind::vpe, 12}, Width{ArrayKind::vpe, 16}}) {
    const ArchSpec a = arch_of(w.kind, w.bits, 32, 8);
    const WeightLayout layout(fc_desc(64, 64), a);
    WeightDecoder dec(a, layout);
    for (uint32_t mc : {1u, 3u, 7u, 32u})
      for (uint32_t nc : {1u, 2u, 5u, 8u}) {
        const size_t n = size_t(mc) * nc;
        const uint32_t bytes = uint32_t((n * layout.element_bits() + 7) / 8);
        std::vector<uint8_t> block(bytes);
        for (uint8_t& b : block) b = uint8_t(rng());  // every field any code
        std::vector<int16_t> expect;
        layout.unpack_values(block.data(), mc, nc, expect);
        std::vector<int16_t> got(n + 3);
        dec.decode(block.data(), bytes, n, got.data());
        got.resize(n);
        INFO("kind " << int(w.kind) << ", " << w.bits << " bits, " << mc << " x " << nc);
        CHECK(got == expect);
      }
  }
}

TEST_CASE("fast fc: a step's sums equal int64 dot products, extreme values included") {
  std::mt19937_64 rng(11);
  for (const ArrayKind kind : {ArrayKind::svpe, ArrayKind::vpe})
    for (const uint32_t vector : {3u, 4u, 8u}) {
      const uint32_t bits = kind == ArrayKind::svpe ? 5 : 16, lanes = 6, in_c = 20, out_c = 6;
      const ArchSpec a = arch_of(kind, bits, lanes, vector);
      const Descriptor d = fc_desc(in_c, out_c);
      const WeightLayout layout(d, a);
      // Weights at the extremes of the code: +-2^14 (5-bit codes) or -32768 / 32767.
      std::vector<int16_t> w(size_t(out_c) * in_c);
      for (int16_t& v : w) {
        const int r = int(rng() % 4);
        v = int16_t(kind == ArrayKind::svpe ? (r == 0 ? 0 : (r == 1 ? -(1 << 14) : (1 << 14) >> (rng() % 15)))
                                            : (r == 0 ? -32768 : r == 1 ? 32767 : int32_t(int16_t(rng()))));
      }
      std::vector<uint8_t> weights(layout.total_bytes(), 0);
      layout.encode(w, weights.data());
      std::vector<int16_t> x(in_c);
      for (int16_t& v : x) v = rng() % 3 == 0 ? int16_t(-32768) : int16_t(rng());
      std::vector<uint8_t> input(size_t(in_c) * 2);
      for (uint32_t c = 0; c < in_c; ++c) store_act(input.data() + 2 * c, x[c], 2);
      REQUIRE(act_bytes(a) == 2);
      FcDatapath fc;
      REQUIRE(fc.begin(a, d, layout, input.data()));
      std::vector<int64_t> acc(lanes, 0);
      for (uint32_t n0 = 0, nt = 0; n0 < in_c; n0 += vector, ++nt) {
        StepPlan step;
        step.nt = nt;
        step.n0 = n0;
        step.nc = std::min(vector, in_c - n0);
        step.window.ch0 = int32_t(n0);
        step.window.nch = int32_t(step.nc);
        fc.step(step, lanes, weights.data() + layout.block_offset(0, 0, nt), layout.block_bytes(0, 0, nt), acc.data());
      }
      for (uint32_t m = 0; m < out_c; ++m) {
        int64_t expect = 0;
        for (uint32_t c = 0; c < in_c; ++c) expect += int64_t(w[size_t(m) * in_c + c]) * x[c];
        INFO("kind " << int(kind) << ", vector " << vector << ", lane " << m);
        CHECK(acc[m] == expect);
      }
    }
}
