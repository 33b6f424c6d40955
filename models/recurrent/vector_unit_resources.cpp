// The activation and element-wise units' lanes, counted from the datapath the contract's
// arithmetic needs (models/recurrent/activation_table.*, recurrent_state.cpp) as an RTL engineer
// writes it: tests/resources/activation_lane.v and elementwise_lane.v, which
// tests/models/test_vector_unit_yosys.cpp synthesizes (Yosys synth_xilinx -family xcup) and
// holds these counts to. docs/RESOURCES.md "Recurrent vector units" gives each piece with its
// measured count; the device facts are UG574 (a LUT6 is a 4:1 multiplexer; one LUT per adder or
// comparator bit in front of the carry chain), UG573 (RAMB36 1K x 36 in true dual port) and
// UG579 (DSP48E2: 27 x 18 multiplier, 48-bit post-adder with the C input).
#include "models/recurrent/vector_unit_resources.h"

#include <algorithm>

#include "models/int_math.h"
#include "models/pe_array/vpe_kind.h"
#include "models/recurrent/activation_table.h"
#include "models/recurrent/register_file.h"
#include "models/resources/resources_detail.h"

namespace shiftsim::models {

using namespace resource_detail;

namespace {

constexpr double V = kRecurrentValueBits;

// A variable shift by an amount of `amount_bits` bits: a log shifter, one level of 2:1
// multiplexers per amount bit, two levels per LUT6 (a 4:1 multiplexer has 4 data and 2 select
// inputs), each level as wide as the bits it carries. Yosys builds the levels low bit first, so
// a right shift carries its whole input through them, a left shift its output.
double shifter_luts(double carried_bits, uint32_t amount_bits) { return carried_bits * double((amount_bits + 1) / 2); }

// One bit picked out of n by a variable index: a tree of 4:1 multiplexers, one LUT6 each.
double mux_luts(uint32_t n) {
  double luts = 0;
  while (n > 1) {
    n = ceil_div(n, 4u);
    luts += n;
  }
  return luts;
}

// A signed value compared with a bound that the operation's format sets (so not a constant
// the synthesis can fold): one LUT per bit in front of the carry chain, for each of the two
// bounds; the bounds' decode from the format's width, one LUT per value bit; the clamp's
// multiplexer per result bit.
double clamp_luts(double compared_bits, double result_bits) {
  return 2 * compared_bits + result_bits + result_bits;
}

// The RAMB36 word as a true-dual-port ROM reads it: 1K x 36 per port (UG573).
constexpr uint32_t kRomPortWidth = 36, kRomPortDepth = 1024;

}  // namespace

LanePart& LanePart::operator+=(const LanePart& o) {
  logic_luts += o.logic_luts;
  add_luts += o.add_luts;
  ffs += o.ffs;
  dsps += o.dsps;
  dsp_operand_bits += o.dsp_operand_bits;
  rom_read_bits += o.rom_read_bits;
  return *this;
}

LanePart operator*(LanePart p, double k) {
  p.logic_luts *= k;
  p.add_luts *= k;
  p.ffs *= k;
  p.dsps *= k;
  p.dsp_operand_bits *= k;
  p.rom_read_bits *= k;
  return p;
}

Resources LanePart::resources() const {
  Resources r;
  r.lut = logic_luts + add_luts;
  r.ff = ffs;
  r.dsp = dsps;
  return r;
}

LanePart activation_lane_for_values(uint32_t value_bits) {
  const ActivationRomShape rom = activation_rom_shape();
  const double v = value_bits, vb = rom.value_bits, sb = rom.slope_bits;
  const double msf = rom.max_segment_frac;
  const uint32_t seg_bits = clog2(rom.entries / 2);  // a function's segment index
  const uint32_t fb = clog2(value_bits);             // a fraction field: 0..V-1
  LanePart l;
  // Stage 1 (Yosys at V = 16: 155 LUTs, the pieces 138). |x|, a conditional negation: one adder
  // bit per value bit. in.frac - segment frac and its sign: a LUT per bit. The segment index:
  // |x| shifted right by that (V bits carried through clog2(V) levels) or left by up to the
  // finest segment's fraction bits (V + msf bits through clog2(msf + 1) levels), one of the two
  // selected per bit; the past-the-table flag, the index's bits above the table ORed. The
  // offset: |x| masked below the segment (the bit, the shift amount: one LUT6 per bit).
  // Registered: the offset, the sign, the flag and the function; the ROM address is the
  // RAMB36's own input register.
  l.add_luts += v;
  l.logic_luts += (fb + 1) + shifter_luts(v, fb) + shifter_luts(v + msf, clog2(rom.max_segment_frac + 1)) +
                  (v + msf) + lut6_for_inputs(uint32_t(v + msf) - seg_bits) + v;
  l.ffs += v + 3;
  // Stage 2 (Yosys 108, the pieces 123): y = value << in.frac + slope x offset. The value is
  // the ROM's or 1.0 past the table (a multiplexer per bit), shifted left by in.frac into
  // vb + V - 1 bits; the product (unsigned operands, a sign bit more each) on DSP48E2s, the
  // shifted value into the first one's post-adder (C), each piece's result in its P register.
  // The sign and the function travel along.
  const double y_bits = std::max(vb + v - 1, sb + v) + 1;
  l.logic_luts += vb + shifter_luts(vb + v - 1, fb);
  l.dsps += dsp48e2_per_multiply(uint32_t(sb) + 1, value_bits + 1);
  l.dsp_operand_bits += (sb + 1) + (v + 1) * l.dsps + y_bits;  // each piece takes the offset; C takes y's addend
  l.ffs += 2;
  // Stage 3 (Yosys 356, the pieces 354). The pieces' sum: the high piece's product enters 17
  // bits up (the unsigned width of the DSP48E2's 18-bit port), so y_bits - 17 adder bits.
  // coeff_frac + in.frac - out.frac, an adder bit per bit of the amount. y shifted right by it
  // (y_bits carried through its levels) with the round bit (y's bit below the shift: a
  // y_bits:1 multiplexer) added into V + 2 bits. The mirror as written: both negations
  // (-v for tanh, 2^out.frac - v for sigmoid, V + 3 bits each), 2^out.frac decoded from
  // out.frac (a LUT per value bit), one of three selected per bit. The clamp to out.bits
  // (V + 3 bits compared). The result register.
  constexpr double kPieceSplit = 17;
  const uint32_t t_bits = clog2(rom.coeff_frac + value_bits);
  if (l.dsps > 1) l.add_luts += y_bits - kPieceSplit;
  l.add_luts += t_bits;
  l.logic_luts += shifter_luts(y_bits, t_bits) + mux_luts(uint32_t(y_bits));
  l.add_luts += (v + 2) + 2 * (v + 3);
  l.logic_luts += v + (v + 3) + clamp_luts(v + 3, v);
  l.ffs += v;
  // Each element reads one ROM word: a RAMB36 port's whole width per column.
  l.rom_read_bits += double(kRomPortWidth) * double(ceil_div(rom.value_bits + rom.slope_bits, kRomPortWidth));
  return l;
}

LanePart activation_lane(const ArchSpec& spec) {
  check_shape(spec);
  return activation_lane_for_values(kRecurrentValueBits);
}

double activation_rom_bram36_per_pair() {
  const ActivationRomShape rom = activation_rom_shape();
  return double(ceil_div(rom.value_bits + rom.slope_bits, kRomPortWidth) * ceil_div(rom.entries, kRomPortDepth));
}

ElementwiseParts elementwise_parts(const ArchSpec& spec) {
  check_shape(spec);
  const double A = spec.numerics.acc_bits;
  ElementwiseParts p;
  // A term (a product, a sum from the array or a bias) aligned to the accumulator's frac: a
  // left shift by 0..A-1 into A bits; saturating: the bits shifted out compared with the sign
  // (about one LUT6 per five bits) and the clamp's multiplexer per bit. Registered (stage 1).
  // (Yosys at A = 32, 40, 48: the aligner alone 182, 262, 326 LUTs, the model 224, 280, 336;
  // stage 1 in the lane, 5 aligners with the selects and 1 - z, the lane less its stage 2
  // alone, at A = 16, 24, 32, 48: 590, 894, 1,160, 1,949, the pieces 529, 905, 1,201, 1,793.)
  // RecurrentState::align as written: the accumulator's bound shifted right by s (one LUT per
  // bit, a function of s), x compared with it and with its complement (one LUT per bit in front
  // of each carry chain), x shifted left by s (A bits carried through clog2(A) levels), the
  // clamp's multiplexer per bit. Registered (stage 1).
  p.term.logic_luts = A + 2 * A + shifter_luts(A, clog2(uint32_t(A))) + A;
  p.term.ffs = A;
  // A product of two values of at most V + 1 bits (1 - z is one bit wider): one DSP48E2, no
  // registers (its operands come from registers); it enters the sum through a term's aligner,
  // selected in front of it (a multiplexer per bit).
  p.product.dsps = dsp48e2_per_multiply(uint32_t(V) + 1, uint32_t(V) + 1);
  p.product.dsp_operand_bits = 2 * (V + 1);
  p.product.logic_luts = A;
  // Adding a term: A + 3 bits (five terms grow the sum by three), one LUT per bit.
  p.adder.add_luts = A + 3;
  // (Yosys, stage 2 alone at A = 16, 24, 32, 48: 312, 542, 654, 925 LUTs; the pieces 343,
  // 481, 619, 895.) The sum clamped
  // to acc_bits (A + 3 bits compared with constant bounds, the multiplexer), then the round
  // half up, the shift right and a clamp, the PPU lane's function (ppu_lane.v,
  // Yosys-calibrated): its LUTs; the result's format comes with the operation, so its bounds
  // are decoded and compared with the shifted A + 1 bits (not the PPU's constants).
  p.requantize.logic_luts = 2 * (A + 3) + A + ppu_lane(uint32_t(A), 0, uint32_t(V)).lut + V + 2 * (A + 1);
  // A result format finer than the sum's: the clamped sum shifted left by l instead (q = 0),
  // and an fc's fused ReLU (Yosys, the lane at A = 16, 32, 48: 93, 190, 186 LUTs more than
  // without them; these pieces 122, 158, 193). l != 0 (one LUT); e = obits - 1 - l, an adder
  // bit per bit; the sum fits the result shifted when its bits from e up equal its sign: their
  // mask decoded from e (a LUT per bit), each compared with the sign under it (a LUT per bit),
  // ORed (a LUT6 tree); the sum's low V bits shifted left by l (V bits through its levels); the
  // shifted result or its saturation by the sign (a LUT per bit); the left or right result with
  // the ReLU (a LUT6 per bit: the select, both results' bit and sign, the ReLU flag).
  const uint32_t lb = clog2(uint32_t(V) + 1);
  p.requantize.logic_luts += lut6_for_inputs(lb) + A + A + lut6_for_inputs(uint32_t(A)) + shifter_luts(V, lb) + V + V;
  p.requantize.add_luts += lb + 1;
  p.one_minus.add_luts = V + 1;
  p.out_reg.ffs = V;
  return p;
}

LanePart elementwise_lane(const ArchSpec& spec) {
  const ElementwiseParts p = elementwise_parts(spec);
  LanePart l = p.term * kElementwiseTerms;
  l += p.product * kElementwiseProducts;
  l += p.adder * (kElementwiseTerms - 1);
  l += p.requantize;
  l += p.one_minus;
  l += p.out_reg;
  return l;
}

ElementwiseUse elementwise_use(const RecurrentHeader& h, const VecOp& op, uint32_t e) {
  const uint32_t H = h.hidden, row = op.r0 + e;
  ElementwiseUse u;
  switch (op.kind) {
    case VecKind::combine: {  // W x, Wb, Rb, R h; an lstm's i and f add P c
      u.terms = 4;
      const bool i_or_f = row < H || (row >= 2 * H && row < 3 * H);
      if (h.lstm && h.peepholes && i_or_f) {
        u.terms += 1;
        u.products = 1;
      }
      break;
    }
    case VecKind::combine_part:
      u.terms = 4;
      u.requantize = false;
      break;
    case VecKind::o_finish:  // the kept sum and P_o c'
      u.terms = 2;
      u.products = 1;
      break;
    case VecKind::cell:  // f c + i g
    case VecKind::hidden_gru:  // (1 - z) n + z h
      u.terms = 2;
      u.products = 2;
      u.one_minus = op.kind == VecKind::hidden_gru;
      break;
    case VecKind::hidden_lstm:  // o tanh(c')
    case VecKind::reset_h:      // r h
      u.terms = 1;
      u.products = 1;
      break;
    case VecKind::reset_q:  // R_h h + Rb_h
    case VecKind::fc_out:   // W x + b
      u.terms = 2;
      break;
    case VecKind::combine_n:  // W_h x + Wb_h + r q
      u.terms = 3;
      u.products = 1;
      break;
    case VecKind::act_gates:
    case VecKind::act_cell:
      break;  // the activation unit's
  }
  return u;
}

void count_vector_element(const ActivityCounter& count, const RecurrentHeader& h, const VecOp& op, uint32_t e,
                          ComponentActions& a) {
  if (on_activation_unit(op.kind)) count.activation_element(a);
  else count.elementwise_element(elementwise_use(h, op, e), a);
  count_rf_element(count, h, op, e, a);
}

Resources activation_unit(const ArchSpec& spec) {
  Resources r = activation_lane(spec).resources() * double(spec.pe_array.lanes);
  r.bram36 = activation_rom_bram36_per_pair() * double(ceil_div(spec.pe_array.lanes, 2));
  return r;
}

Resources elementwise_unit(const ArchSpec& spec) {
  return elementwise_lane(spec).resources() * double(spec.pe_array.lanes);
}

}  // namespace shiftsim::models
