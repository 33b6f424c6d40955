// The recurrent unit's activation and element-wise units in the resource model
// (models/recurrent/vector_unit_resources.h, docs/RESOURCES.md "Recurrent vector units"): the
// ROM's shape as built, each lane's count worked by hand from the formula, the units' scaling
// with the lanes and the accumulator width, and the machine listing them only when it carries
// the recurrent unit.
#include <catch2/catch.hpp>

#include <string>

#include "models/machine_resources.h"
#include "models/recurrent/activation_table.h"
#include "models/recurrent/register_file.h"
#include "models/recurrent/vector_unit_resources.h"
#include "models/resources/resources.h"

using namespace shiftsim::models;

namespace {

ArchSpec spec(uint32_t lanes, uint32_t acc_bits) {
  ArchSpec s;
  s.pe_array.lanes = lanes;
  s.numerics.acc_bits = acc_bits;
  return s;
}

}  // namespace

TEST_CASE("the activation ROM's shape is measured on the ROM as built") {
  const ActivationRomShape r = activation_rom_shape();
  CHECK(r.entries == 1024);      // 512 segments each for sigmoid and tanh
  CHECK(r.value_bits == 31);     // 1.0 at 30 fraction bits
  CHECK(r.slope_bits == 30);     // tanh's first chord, just under 1.0
  CHECK(r.coeff_frac == 30);
  CHECK(r.max_segment_frac == 6);  // tanh's segments of 2^-6
}

TEST_CASE("an activation lane, worked by hand from the formula") {
  const LanePart l = activation_lane(spec(32, 48));
  // Stage 1: |x| 16 adder bits; in.frac - segment frac 5; the right shift 16 bits x 2 LUTs
  // (4 levels) 32, the left shift 22 bits x 2 (3 levels) 44, their select 22, past-the-table
  // flag (13 bits) 3, offset mask 16. Stage 2: value select 31, value shift 46 bits x 2 = 92.
  // Stage 3: the pieces' sum 47 - 17 = 30 adder bits, the shift amount 6; y's shift 47 bits x
  // 3 (6 levels) 141, the round bit's 47:1 multiplexer 12 + 3 + 1; round 18 and mirror 2 x 19
  // adder bits, 2^out.frac 16, the mirror's select 19; clamp: bounds 16, compares 2 x 19, 16.
  CHECK(l.logic_luts == 5 + 32 + 44 + 22 + 3 + 16 + 31 + 92 + 141 + 16 + 16 + 19 + 16 + 38 + 16);
  CHECK(l.add_luts == 16 + 30 + 6 + 18 + 38);
  CHECK(l.resources().lut == 615);
  CHECK(l.ffs == 19 + 2 + 16);
  CHECK(l.dsps == 2);                                  // 31 x 17 bits: two DSP48E2s
  CHECK(l.dsp_operand_bits == 31 + 17 * 2 + 47);       // slope, offset into each piece, the C addend
  CHECK(l.rom_read_bits == 72);                        // two 36-bit columns
  CHECK(activation_rom_bram36_per_pair() == 2);
  // The machine's lane is the 16-bit one.
  CHECK(activation_lane_for_values(16).resources().lut == l.resources().lut);
  CHECK(activation_lane_for_values(12).resources().lut == 525);
}

TEST_CASE("an element-wise lane, worked by hand from the formula") {
  const ElementwiseParts p = elementwise_parts(spec(32, 48));
  // A term: the bound's decode 48, two compares 96, a 48-bit shifter of 6 levels (3 LUTs a
  // bit) 144, the clamp 48; its register 48.
  CHECK(p.term.logic_luts == 48 + 96 + 144 + 48);
  CHECK(p.term.ffs == 48);
  CHECK(p.product.dsps == 1);
  CHECK(p.product.logic_luts == 48);  // its term's select
  CHECK(p.adder.add_luts == 51);
  // the sum's clamp (2 x 51 + 48), the PPU lane's LUTs, the format's bounds (16 + 2 x 49); the
  // left shift and the ReLU: l != 0 1, the mask 48 and its compare 48, their OR (a 48-input
  // LUT6 tree) 10, 16 bits shifted by 5 levels (3 LUTs a bit) 48, the saturation 16, the
  // select with the ReLU 16, and e = obits - 1 - l, 6 adder bits
  CHECK(p.requantize.logic_luts == Approx(150 + ppu_lane(48, 0, 16).lut + 114 + 187));
  CHECK(p.requantize.add_luts == 6);
  const LanePart l = elementwise_lane(spec(32, 48));
  CHECK(l.resources().lut == Approx(5 * 336 + 2 * 48 + 4 * 51 + 150 + ppu_lane(48, 0, 16).lut + 114 + 193 + 17));
  CHECK(l.resources().lut == Approx(2881));
  CHECK(l.resources().ff == 5 * 48 + 16);
  CHECK(l.resources().dsp == 2);
}

TEST_CASE("the vector units scale with the lanes and the accumulator width as the formula says") {
  for (uint32_t lanes : {1u, 2u, 7u, 16u, 32u}) {
    INFO("lanes " << lanes);
    const Resources a = activation_unit(spec(lanes, 48)), e = elementwise_unit(spec(lanes, 48));
    const Resources al = activation_lane(spec(lanes, 48)).resources(), el = elementwise_lane(spec(lanes, 48)).resources();
    CHECK(a.lut == Approx(lanes * al.lut));
    CHECK(a.ff == Approx(lanes * al.ff));
    CHECK(a.dsp == 2 * lanes);
    CHECK(a.bram36 == 2 * ((lanes + 1) / 2));  // one ROM copy per pair of lanes
    CHECK(e.lut == Approx(lanes * el.lut));
    CHECK(e.ff == lanes * el.ff);
    CHECK(e.dsp == 2 * lanes);
    CHECK(e.bram36 == 0);
  }
  // The activation unit works on 16-bit values whatever the accumulator; the element-wise unit's
  // terms, adders and requantizer follow acc_bits.
  CHECK(activation_unit(spec(8, 32)).lut == activation_unit(spec(8, 48)).lut);
  const double lut32 = elementwise_lane(spec(1, 32)).resources().lut;
  // acc 32: a term 32 + 64 + 32 x 3 (5 levels) + 32 = 224, the products' selects 2 x 32,
  // adders 4 x 35, requantizer 2 x 35 + 32 + (31 + 8.25 x 32) + 16 + 2 x 33 and its left shift
  // and ReLU 1 + 32 + 32 + 7 (a 32-input OR) + 16 x 3 + 16 + 16 with 6 adder bits
  CHECK(lut32 == Approx(5 * 224 + 2 * 32 + 4 * 35 + (102 + 295 + 82) + (1 + 32 + 32 + 7 + 48 + 16 + 16 + 6) + 17));
  CHECK(elementwise_lane(spec(1, 32)).resources().ff == 5 * 32 + 16);
}

TEST_CASE("the machine lists the vector units only when it carries the recurrent unit") {
  const ArchSpec s = spec(16, 48);
  ResourceOptions o;
  const std::vector<ComponentResources> cnn = estimate_resources(s, o);
  o.recurrent_units = true;
  const std::vector<ComponentResources> seq = estimate_resources(s, o);
  REQUIRE(seq.size() == cnn.size() + 3);
  CHECK(seq[seq.size() - 3].name == "activation");
  CHECK(seq[seq.size() - 2].name == "elementwise");
  CHECK(seq.back().name == "regfile");  // the recurrent unit's register file (test_register_file.cpp)
  const Resources d = total(seq) + total(cnn) * -1.0;
  const Resources u = activation_unit(s) + elementwise_unit(s) + register_file(s).total;
  CHECK(d.lut == Approx(u.lut));
  CHECK(d.dsp == Approx(u.dsp));
  CHECK(d.bram36 == Approx(u.bram36));
  for (const ComponentResources& c : cnn) CHECK((c.name != "activation" && c.name != "elementwise"));
}
