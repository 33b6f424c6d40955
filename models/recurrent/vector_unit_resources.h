#pragma once
// What the recurrent unit's activation unit (sigmoid, tanh) and element-wise unit (the gate
// arithmetic) are built from (docs/ARCHITECTURE.md §11, docs/RESOURCES.md "Recurrent vector
// units"): per lane, its LUTs, registers, DSP48E2 slices and ROM, which the resource model sums
// over the Tm lanes and the energy model prices per element (models/energy/activity.h). A
// structural count of the datapath the contract's arithmetic needs (the golden executor's,
// docs/QUANTIZATION.md "Recurrent fixed point"), piece by piece, checked against Yosys on the
// lanes' Verilog (tests/resources/activation_lane.v, elementwise_lane.v). Plain C++, no SystemC.
#include <cstdint>

#include "models/arch_spec.h"
#include "models/energy/activity.h"
#include "models/recurrent/recurrent_layer.h"
#include "models/resources/resources.h"

namespace shiftsim::models {

// A piece of a lane: LUTs in front of carry chains (adder bits) apart from the other LUTs
// (multiplexers, masks, compares), its registers, its DSP48E2 slices, and what one element
// through it feeds the DSPs (operand bits, as docs/ENERGY.md prices a DSP) and reads from ROM
// (whole words).
struct LanePart {
  double logic_luts = 0, add_luts = 0, ffs = 0, dsps = 0;
  double dsp_operand_bits = 0, rom_read_bits = 0;

  LanePart& operator+=(const LanePart& o);
  Resources resources() const;
};
LanePart operator*(LanePart p, double k);

// One activation lane, three stages (segment select and ROM read; multiply-add; round, mirror,
// clamp); every element uses all of it.
LanePart activation_lane(const ArchSpec& spec);
// The same lane on values of `value_bits` bits (the machine's is kRecurrentValueBits), so that
// the calibration test can synthesize a second width.
LanePart activation_lane_for_values(uint32_t value_bits);
// ROM blocks per lane: each pair of lanes reads one copy through the two ports of its RAMB36s.
double activation_rom_bram36_per_pair();

// The element-wise lane's pieces, two stages (multiply or align; add, round, clamp).
struct ElementwiseParts {
  LanePart term;        // one term aligned to the accumulator's frac (saturating left shift) and registered
  LanePart product;     // one product of two values (a DSP48E2)
  LanePart adder;       // one more term added
  LanePart requantize;  // the sum clamped to acc_bits, rounded, shifted right or left and clamped to its format, ReLU
  LanePart one_minus;   // 1 - z (gru)
  LanePart out_reg;     // the result register
};
ElementwiseParts elementwise_parts(const ArchSpec& spec);
// The most any operation needs (an lstm gate with its peephole: five terms; the cell or a gru's
// h: two products), so one lane is built of this many pieces.
constexpr uint32_t kElementwiseTerms = 5, kElementwiseProducts = 2;
LanePart elementwise_lane(const ArchSpec& spec);

// What one element of an element-wise operation uses: the terms it aligns and sums, its products,
// whether it is requantized (the lstm's o without its peephole keeps the sum) and whether it
// forms 1 - z.
struct ElementwiseUse {
  uint32_t terms = 0, products = 0;
  bool requantize = true, one_minus = false;
};
ElementwiseUse elementwise_use(const RecurrentHeader& h, const VecOp& op, uint32_t e);

// One element of a vector operation priced for the energy model: on the activation unit, or on
// the element-wise unit with the pieces it uses, and its register-file reads and writes
// (register_file.h). Both simulation modes count through this.
void count_vector_element(const ActivityCounter& count, const RecurrentHeader& h, const VecOp& op, uint32_t e,
                          ComponentActions& a);

// The units: Tm lanes each (they issue a word of a gate block a cycle), the activation unit's
// ROM copies beside them. std::invalid_argument on a shape the model cannot cost.
Resources activation_unit(const ArchSpec& spec);
Resources elementwise_unit(const ArchSpec& spec);

}  // namespace shiftsim::models
