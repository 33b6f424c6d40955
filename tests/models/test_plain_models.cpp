// The plain C++ parts of the models (no simulation): DRAM timing, weight encoding, tiling,
// the PPU's arithmetic, descriptors.
#include <catch2/catch.hpp>

#include "models/memory/dram_timing.h"
#include "models/control/layer_plan.h"
#include "models/postproc/ppu.h"
#include "models/control/program.h"
#include "models/pe_array/array_kind.h"
#include "models/pe_array/weight_layout.h"
#include "quant/pow2.h"

#include <cstring>

using namespace shiftsim::models;

TEST_CASE("DRAM beats count aligned bus words and bursts never cross 4 KiB") {
  DramSpec spec;  // 16-byte bus, 19.2 GB/s, 150 ns, 4096-byte bursts
  const DramTiming t(spec, 200.0);
  CHECK(t.latency_cycles() == 30);
  CHECK(t.data_cycles(0, 16) == 1);
  CHECK(t.data_cycles(8, 16) == 2);   // straddles two bus words
  CHECK(t.data_cycles(0, 4096) == 256);
  CHECK(t.data_cycles(0, 0) == 0);
  std::vector<Burst> b;
  t.split(4000, 200, b);
  REQUIRE(b.size() == 2);
  CHECK(b[0].addr == 4000);
  CHECK(b[0].bytes == 96);
  CHECK(b[1].addr == 4096);
  CHECK(b[1].bytes == 104);
  b.clear();
  t.split(0, 10000, b);
  CHECK(b.size() == 3);
}

TEST_CASE("DRAM slower than the bus stretches the data phase") {
  DramSpec spec;
  spec.width_bytes = 64;
  spec.peak_gbps = 6.4;  // 32 bytes per cycle at 200 MHz: half the bus
  const DramTiming t(spec, 200.0);
  CHECK(t.data_cycles(0, 64) == 2);
  CHECK(t.data_cycles(0, 640) == 20);
}

TEST_CASE("power-of-two codes: sign on top, magnitude m is 2^(m-1), zero code") {
  CHECK(pow2_code(0, 3) == 0);
  CHECK(pow2_code(1, 3) == 1);
  CHECK(pow2_code(4, 3) == 3);
  CHECK(pow2_code(-2, 3) == 0b110);
  CHECK_THROWS(pow2_code(8, 3));   // shift 3 needs magnitude 4: not in 2 bits
  CHECK_THROWS(pow2_code(3, 3));   // not a power of two
  for (uint32_t bits = 2; bits <= 5; ++bits)
    for (uint32_t code = 0; code < (1u << bits); ++code) {
      const int32_t v = pow2_value(code, bits);
      if (v != 0) CHECK(pow2_code(v, bits) == code);
    }
  CHECK(pow2_value(0b100, 3) == 0);  // "negative zero" reads as zero
  CHECK(pow2_code(1, 4) == 1u);
  CHECK(pow2_code(-1, 4) == 9u);   // 0b1001
  CHECK(pow2_code(64, 4) == 7u);   // s = 6, the widest shift of a 4-bit code
  CHECK(pow2_code(-64, 4) == 15u);
  CHECK(pow2_value(3, 4) == 4);
  CHECK(pow2_value(11, 4) == -4);
  CHECK_THROWS(pow2_code(128, 4));  // s = 7 needs magnitude 8
}

TEST_CASE("each array kind states its weight widths once, and the quantizer agrees") {
  const ArrayKindModel& svpe = array_kind_model(ArrayKind::svpe);
  const ArrayKindModel& vpe = array_kind_model(ArrayKind::vpe);
  // The SVPE's code widths are the ones the power-of-two quantizer produces.
  CHECK(svpe.min_weight_bits() == uint32_t(shiftsim::quant::kMinPow2Bits));
  CHECK(svpe.max_weight_bits() == uint32_t(shiftsim::quant::kMaxPow2Bits));
  CHECK(svpe.weight_code() == WeightCode::pow2_sign_magnitude);
  CHECK(vpe.weight_code() == WeightCode::twos_complement);
  CHECK(vpe.max_weight_bits() == 16);
  // The widest code decodes to a shift the 16-bit activation's product holds in 32 bits.
  CHECK(pow2_value((1u << (svpe.max_weight_bits() - 1)) - 1, svpe.max_weight_bits()) == (1 << 14));
  for (const ArrayKindModel* k : array_kind_models()) CHECK(find_array_kind(k->name()) == k);
  CHECK(find_array_kind("tpu") == nullptr);
}

TEST_CASE("weight blocks round-trip for both arrays and edge tiles") {
  for (ArrayKind kind : {ArrayKind::svpe, ArrayKind::vpe}) {
    ArchSpec a;
    a.pe_array.kind = kind;
    a.pe_array.lanes = 5;
    a.pe_array.vector = 3;
    a.numerics.weight_bits = kind == ArrayKind::svpe ? 4 : 12;
    Descriptor d;
    d.in_c = 8;
    d.out_c = 14;
    d.groups = 2;
    d.kernel = 3;
    const WeightLayout layout(d, a);
    CHECK(layout.m_tiles() == 2);  // 7 per group over 5 lanes
    CHECK(layout.n_tiles() == 2);  // 4 per group over 3 elements
    CHECK(WeightLayout::total_bytes(d, a) == layout.total_bytes());
    std::vector<int16_t> w(size_t(14) * 4 * 9);
    // SVPE: 0 or +-2^s with s <= 6 (4-bit codes); VPE: 12-bit values
    for (size_t i = 0; i < w.size(); ++i)
      w[i] = kind == ArrayKind::svpe ? (i % 5 == 0 ? 0 : (i % 2 ? 1 : -1) * (1 << (i % 7)))
                                     : int32_t(i * 37 % 4001) - 2000;
    std::vector<uint8_t> image(layout.total_bytes(), 0);
    layout.encode(w, image.data());
    for (uint32_t g = 0; g < 2; ++g)
      for (uint32_t mt = 0; mt < 2; ++mt)
        for (uint32_t nt = 0; nt < 2; ++nt) {
          CHECK(layout.block_offset(g, mt, nt) % kWeightBlockAlign == 0);
          const uint32_t mc = mt == 0 ? 5 : 2, nc = nt == 0 ? 3 : 1;
          std::vector<int32_t> out;
          layout.unpack(image.data() + layout.block_offset(g, mt, nt), mc, nc, out);
          REQUIRE(out.size() == size_t(mc) * nc * 9);
          for (uint32_t m = 0; m < mc; ++m)
            for (uint32_t n = 0; n < nc; ++n)
              for (uint32_t e = 0; e < 9; ++e) {
                const size_t oc = g * 7 + mt * 5 + m, ic = nt * 3 + n;
                const int32_t expect = w[(oc * 4 + ic) * 9 + e];
                const int32_t got = out[(size_t(m) * nc + n) * 9 + e];
                CHECK((kind == ArrayKind::svpe ? pow2_value(uint32_t(got), 4) : got) == expect);
              }
        }
  }
}

TEST_CASE("a layer of a million weights or more is encoded on two threads, block for block the same") {
  for (uint32_t bits : {3u, 4u, 5u}) {
    ArchSpec a;  // svpe 32 x 8, k 3
    a.numerics.weight_bits = bits;
    Descriptor d;
    d.in_c = 512;
    d.out_c = 250;  // 8 lane tiles, the last of 26 channels
    d.kernel = 3;
    const WeightLayout layout(d, a);
    const uint32_t top = (1u << (bits - 1)) - 2;  // the largest shift of a code
    std::vector<int16_t> w(size_t(250) * 512 * 9);
    REQUIRE(w.size() >= (size_t(1) << 20));
    for (size_t i = 0; i < w.size(); ++i)
      w[i] = int16_t((i * 2654435761u) % 3 == 0 ? 0 : (i % 2 ? 1 : -1) << (i % (top + 1)));
    std::vector<uint8_t> image(layout.total_bytes(), 0);
    layout.encode(w, image.data());
    std::vector<int16_t> values;
    size_t wrong = 0;
    for (uint32_t mt = 0; mt < layout.m_tiles(); ++mt)
      for (uint32_t nt = 0; nt < layout.n_tiles(); ++nt) {
        const uint32_t mc = std::min(32u, 250 - mt * 32), nc = 8;
        layout.unpack_values(image.data() + layout.block_offset(0, mt, nt), mc, nc, values);
        for (uint32_t m = 0; m < mc; ++m)
          for (uint32_t e = 0; e < nc * 9; ++e)
            wrong += values[size_t(m) * nc * 9 + e] != w[(size_t(mt) * 32 + m) * 512 * 9 + size_t(nt) * 8 * 9 + e];
      }
    CHECK(wrong == 0);
    w.back() = 3;  // no code: found in the second half's blocks
    CHECK_THROWS_WITH(layout.encode(w, image.data()), Catch::Contains("not 0 or +-2^s"));
    w.back() = int16_t(1 << (top + 1));  // one shift past the code's range
    CHECK_THROWS_WITH(layout.encode(w, image.data()), Catch::Contains("not 0 or +-2^s"));
  }
}

TEST_CASE("a fully connected layer's rows fold onto k x k convolvers with zero weights past N") {
  for (ArrayKind kind : {ArrayKind::svpe, ArrayKind::vpe}) {
    ArchSpec a;
    a.pe_array.kind = kind;
    a.pe_array.lanes = 4;
    a.pe_array.vector = 2;
    a.numerics.weight_bits = kind == ArrayKind::svpe ? 4 : 8;
    // 20 inputs on a k = 3 array: 3 channels of 3 x 3, the last holding inputs 18 and 19.
    Descriptor d;
    d.in_c = 3;
    d.in_h = d.in_w = d.kernel = 3;
    d.out_c = 4;
    const WeightLayout layout(d, a);
    CHECK(WeightLayout::total_bytes(d, a) == layout.total_bytes());
    std::vector<int16_t> w(size_t(4) * 20);
    for (size_t i = 0; i < w.size(); ++i)
      w[i] = kind == ArrayKind::svpe ? (i % 2 ? 1 : -1) * (1 << (i % 5)) : int32_t(i % 200) - 100;
    std::vector<uint8_t> image(layout.total_bytes(), 0xff);  // the padding must be written as zero
    layout.encode(w, image.data(), 20);
    for (uint32_t nt = 0; nt < 2; ++nt) {
      const uint32_t nc = nt == 0 ? 2 : 1;
      std::vector<int32_t> out;
      layout.unpack(image.data() + layout.block_offset(0, 0, nt), 4, nc, out);
      for (uint32_t m = 0; m < 4; ++m)
        for (uint32_t e = 0; e < nc * 9; ++e) {
          const uint32_t input = nt * 18 + e;  // element e of the block: input nt*2*9 + e
          const int32_t got = out[size_t(m) * nc * 9 + e];
          const int32_t value = kind == ArrayKind::svpe ? pow2_value(uint32_t(got), 4) : got;
          CHECK(value == (input < 20 ? w[m * 20 + input] : 0));
        }
    }
    CHECK_THROWS(layout.encode(w, image.data(), 28));  // more than 3 x 9 a row
    CHECK_THROWS(layout.encode(w, image.data(), 19));  // not the weights' row length
  }
}

TEST_CASE("tiling takes whole rows first and respects every buffer half") {
  ArchSpec a;  // svpe 32 x 8, k 3; 64/64/128 KiB halves; 48-bit accumulators
  Descriptor d;
  d.op = Op::conv;
  d.in_c = 8;
  d.in_h = d.in_w = 56;
  d.out_c = 64;
  d.out_h = d.out_w = 56;
  d.kernel = 3;
  d.pad = 1;
  REQUIRE(choose_tiles(d, a).empty());
  CHECK(d.tile_cols == 56);
  // output half: 32 lanes x Tr x 56 x 6 bytes <= 128 KiB -> Tr = 12
  CHECK(d.tile_rows == 12);
  a.buffers.output_kib = 1;  // not even one row: columns
  REQUIRE(choose_tiles(d, a).empty());
  CHECK(d.tile_rows == 1);
  CHECK(d.tile_cols == 5);  // 32 x 5 x 6 = 960 <= 1024
  a.buffers.weight_kib = 0;
  CHECK(choose_tiles(d, a).find("weight buffer") != std::string::npos);
}

TEST_CASE("output entries carry the guard bits a pass's exact sum needs, and tiling counts them") {
  ArchSpec a;  // svpe 32 x 8, k 3, 16-bit activations, 3-bit codes: products of 16 + 2 + 1 = 19 bits
  Descriptor d;
  d.op = Op::conv;
  d.in_c = 256;
  d.in_h = d.in_w = 13;
  d.out_c = 384;
  d.out_h = d.out_w = 13;
  d.kernel = 3;
  d.pad = 1;
  // 256 x 9 = 2304 terms: 19 + 12 = 31 bits, inside 48; inside 32; 1 bit over 30.
  CHECK(guard_bits_for(d, a) == 0);
  a.numerics.acc_bits = 32;
  CHECK(guard_bits_for(d, a) == 0);
  a.numerics.acc_bits = 30;
  CHECK(guard_bits_for(d, a) == 1);
  d.groups = 2;  // 128 x 9 = 1152 terms: 19 + 11 = 30
  CHECK(guard_bits_for(d, a) == 0);
  Descriptor pool = d;
  pool.op = Op::maxpool;
  CHECK(guard_bits_for(pool, a) == 0);
  // fc 9216 -> 4096 on 16 x 16-bit VPE products (32 bits): 32 + 14 = 46 bits.
  ArchSpec v;
  v.pe_array.kind = ArrayKind::vpe;
  v.numerics.weight_bits = 16;
  v.numerics.acc_bits = 32;
  Descriptor fc;
  fc.op = Op::conv;
  fc.in_c = 9216;
  fc.in_h = fc.in_w = fc.out_h = fc.out_w = 1;
  fc.out_c = 4096;
  CHECK(guard_bits_for(fc, v) == 14);
  CHECK(network_guard_bits(std::vector<Descriptor>{d, pool, fc}, v) == 14);
  // The entries grow from 4 to 6 bytes, and an output-bound tile shrinks with them:
  // 32 lanes x Tr x 13 x bytes <= 16 KiB gives Tr = 9 at 4 bytes, 6 at 6 bytes.
  a = ArchSpec{};
  a.numerics.acc_bits = 32;
  a.buffers.output_kib = 16;
  d.groups = 1;
  REQUIRE(choose_tiles(d, a).empty());
  CHECK(acc_bytes(a) == 4);
  CHECK(d.tile_rows == 9);
  a.numerics.acc_guard_bits = 14;
  REQUIRE(choose_tiles(d, a).empty());
  CHECK(acc_bytes(a) == 6);
  CHECK(d.tile_rows == 6);
}

TEST_CASE("layer plan: steps per tile and step cycles from the contract") {
  ArchSpec a;
  Descriptor d;
  d.op = Op::conv;
  d.in_c = 20;
  d.in_h = d.in_w = 10;
  d.out_c = 40;
  d.out_h = d.out_w = 10;
  d.kernel = 5;
  d.pad = 2;
  d.tile_rows = 4;
  d.tile_cols = 10;
  const LayerPlan p = plan_layer(d, a);
  CHECK(p.pieces == 4);
  CHECK(p.tiles.size() == 3 * 2);    // 3 row tiles x 2 lane tiles
  CHECK(p.steps.size() == 6 * 3);    // 3 input-channel tiles each
  CHECK(p.tiles.back().nr == 2);
  CHECK(p.tiles.back().mc == 8);
  CHECK(p.steps.back().nc == 4);
  CHECK(p.steps[0].window.y0 == -2);
  CHECK(p.steps[0].window.ny == 3 * 1 + 5);
}

TEST_CASE("PPU: round half up, saturation counting, wrap, ReLU, clamp") {
  uint64_t sat = 0;
  PpuOp op;
  op.shift = 1;
  CHECK(ppu_output(3, op, sat) == 2);    // 1.5 -> 2
  CHECK(ppu_output(-3, op, sat) == -1);  // -1.5 -> -1 (half up)
  CHECK(ppu_output(-5, op, sat) == -2);  // -2.5 -> -2
  op.shift = 0;
  CHECK(ppu_output(40000, op, sat) == 32767);
  CHECK(ppu_output(-40000, op, sat) == -32768);
  op.relu = true;
  CHECK(ppu_output(-7, op, sat) == 0);
  op.relu = false;
  op.apply_overflow = true;
  op.acc_bits = 16;
  CHECK(ppu_output(40000, op, sat) == 32767);
  CHECK(sat == 1);
  op.saturate = false;
  CHECK(ppu_output(32768, op, sat) == -32768);  // wraps
  CHECK(sat == 1);
}

TEST_CASE("descriptors encode and decode every field") {
  Descriptor d;
  d.op = Op::eltwise;
  d.layer_id = 7;
  d.in_addr = 0x123456789ull;
  d.in2_addr = 42;
  d.out_addr = 0xABCDEF0123ull;
  d.in_c = 3;
  d.out_w = 99;
  d.shift_b = 5;
  d.saturate = 0;
  const auto words = d.encode();
  // word positions as docs/ARCHITECTURE.md §2 lists them
  CHECK(words[0] == kDescriptorMagic);
  CHECK(words[1] == uint32_t(Op::eltwise));
  CHECK(words[2] == 7);
  CHECK(words[3] == 0x23456789u);  // in_addr low
  CHECK(words[4] == 0x1u);         // in_addr high
  CHECK(words[5] == 42);           // in2_addr
  CHECK(words[7] == 0xCDEF0123u);  // out_addr low
  CHECK(words[8] == 0xABu);
  CHECK(words[13] == 3);           // in_c
  CHECK(words[18] == 99);          // out_w
  CHECK(words[30] == 5);           // shift_b
  CHECK(words[32] == 0);           // saturate
  for (uint32_t k = 33; k < kDescriptorWords; ++k) CHECK(words[k] == 0);
  std::vector<uint8_t> bytes(kDescriptorBytes);
  std::memcpy(bytes.data(), words.data(), kDescriptorBytes);
  const Descriptor e = Descriptor::decode(bytes.data());
  CHECK(e.op == Op::eltwise);
  CHECK(e.layer_id == 7);
  CHECK(e.in_addr == 0x123456789ull);
  CHECK(e.in2_addr == 42);
  CHECK(e.out_addr == 0xABCDEF0123ull);
  CHECK(e.in_c == 3);
  CHECK(e.out_w == 99);
  CHECK(e.shift_b == 5);
  CHECK(e.saturate == 0);
  bytes[0] ^= 1;
  CHECK_THROWS(Descriptor::decode(bytes.data()));
}
