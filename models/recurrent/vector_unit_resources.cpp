// The activation and element-wise units' lanes, counted from the datapath the contract's
// arithmetic needs (models/recurrent/activation_table.*, recurrent_state.cpp). docs/RESOURCES.md
// "Recurrent vector units" gives each piece in prose; the device facts are UG574 (a LUT6 is a
// 4:1 multiplexer; one LUT per adder bit in front of the carry chain), UG573 (RAMB36 1K x 36 in
// true dual port) and UG579 (DSP48E2: 27 x 18 multiplier, 48-bit post-adder with the C input).
#include "models/recurrent/vector_unit_resources.h"

#include <algorithm>

#include "models/int_math.h"
#include "models/pe_array/vpe_kind.h"
#include "models/recurrent/activation_table.h"
#include "models/resources/resources_detail.h"

namespace shiftsim::models {

using namespace resource_detail;

namespace {

constexpr double V = kRecurrentValueBits;

// A variable shift of up to `positions` places into `out_bits` bits: a log shifter of
// ceil(log2(positions)) levels of 2:1 multiplexers, two levels per LUT6 (a 4:1 multiplexer
// has 4 data and 2 select inputs).
double shifter_luts(double out_bits, uint32_t positions) { return out_bits * double((clog2(positions) + 1) / 2); }

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

LanePart activation_lane(const ArchSpec& spec) {
  check_shape(spec);
  const ActivationRomShape rom = activation_rom_shape();
  const double vb = rom.value_bits, sb = rom.slope_bits;
  const uint32_t seg_bits = clog2(rom.entries / 2);  // a function's segment index
  LanePart l;
  // Stage 1: |x| (a conditional negation: one adder bit per value bit); the segment index, |x|
  // shifted right by in.frac - segment frac (or left by up to the finest segment's fraction
  // bits), with a flag for an index beyond the table; the offset, |x|'s bits below the
  // segment (one LUT per bit: the bit and the shift amount). Registered: the offset, the sign,
  // the flag and the function; the ROM address is the RAMB36's own input register.
  l.add_luts += V;
  l.logic_luts += shifter_luts(seg_bits + 1, uint32_t(V) + rom.max_segment_frac) + V;
  l.ffs += V + 3;
  // Stage 2: y = value << in.frac + slope x offset. The value is the ROM's, or 1.0 past the
  // table (a multiplexer per bit), shifted by in.frac (0..V-1); the product (unsigned operands,
  // a sign bit more each) on DSP48E2s, the shifted value into their post-adder's C input, y in
  // their P register. The sign and the function travel along.
  const double y_bits = std::max(vb + V - 1, sb + V) + 1;
  l.logic_luts += vb + shifter_luts(vb + V - 1, uint32_t(V));
  l.dsps += dsp48e2_per_multiply(uint32_t(sb) + 1, uint32_t(V) + 1);
  l.dsp_operand_bits += (sb + 1) + (V + 1) * l.dsps + y_bits;  // each piece takes the offset; C takes y's addend
  l.ffs += 2;
  // Stage 3: y rounded and shifted right by coeff_frac + in.frac - out.frac into V + 2 bits
  // (the result is at most 1.0, one bit more for the mirror's sign), the round's and the
  // mirror's adders (1 - v for sigmoid, -v for tanh), the clamp to out.bits (a compare against
  // the format's bounds per bit and the result's multiplexer), the output register.
  l.logic_luts += shifter_luts(V + 2, rom.coeff_frac + uint32_t(V) + 1) + (V + 2) + V;
  l.add_luts += 2 * (V + 2);
  l.ffs += V;
  // Each element reads one ROM word: a RAMB36 port's whole width per column.
  l.rom_read_bits += double(kRomPortWidth) * double(ceil_div(rom.value_bits + rom.slope_bits, kRomPortWidth));
  return l;
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
  p.term.logic_luts = shifter_luts(A, uint32_t(A)) + double(ceil_div(uint64_t(A), 5)) + A;
  p.term.ffs = A;
  // A product of two values of at most V + 1 bits (1 - z is one bit wider): one DSP48E2, its
  // registers inside it.
  p.product.dsps = dsp48e2_per_multiply(uint32_t(V) + 1, uint32_t(V) + 1);
  p.product.dsp_operand_bits = 2 * (V + 1);
  // Adding a term: A + 3 bits (five terms grow the sum by three), one LUT per bit.
  p.adder.add_luts = A + 3;
  // The sum's clamp to acc_bits, the round half up, the shift right and the clamp to the
  // format are the PPU lane's function (ppu_lane.v, Yosys-calibrated, docs/RESOURCES.md): its LUTs.
  p.requantize.logic_luts = ppu_lane(uint32_t(A), 0, uint32_t(V)).lut;
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
