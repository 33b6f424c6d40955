// The SVPE array's kind: its weight code, its limits, its product's resources and activity.
// The product formula is Yosys-calibrated (docs/RESOURCES.md, tests/resources/svpe_lane.v).
#include "models/pe_array/svpe_kind.h"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>

#include "models/energy/activity.h"
#include "models/int_math.h"
#include "models/pe_array/svpe_array.h"

namespace shiftsim::models {

namespace {
// 5 bits give shifts up to 14: the shifted 16-bit activation still fits the datapath's 32-bit
// product, and the weight values fit int16 (quant/pow2.h's quantizer has the same bound).
constexpr uint32_t kMinCodeBits = 2, kMaxCodeBits = 5;

class SvpeKind final : public ArrayKindModel {
 public:
  ArrayKind kind() const override { return ArrayKind::svpe; }
  const char* name() const override { return "svpe"; }
  const char* description() const override { return "shift products (power-of-two weights)"; }
  WeightCode weight_code() const override { return WeightCode::pow2_sign_magnitude; }
  uint32_t min_weight_bits() const override { return kMinCodeBits; }
  uint32_t max_weight_bits() const override { return kMaxCodeBits; }
  const char* weight_bits_why() const override {
    return "power-of-two code (sign + magnitude); shifts up to 14 keep a 16-bit activation's product in 32 bits";
  }
  uint32_t default_weight_bits() const override { return 3; }
  // A shift is one register deep.
  uint32_t default_product_stages() const override { return 1; }
  uint32_t weight_element_bits(uint32_t weight_bits) const override { return weight_bits; }
  uint32_t product_bits(const NumericsSpec& n) const override {
    return svpe_product_bits(n.act_bits, n.weight_bits, n.sign_offset_max);
  }
  Resources product(const NumericsSpec& n, uint32_t stages) const override {
    return svpe_product(n.act_bits, n.weight_bits, stages, n.sign_offset_max);
  }
  Resources lane_code_registers(const NumericsSpec& n) const override {
    return svpe_sign_offset_registers(n.sign_offset_max);
  }
  Resources window_element_extra(const NumericsSpec& n) const override {
    return svpe_shifted_activation(n.act_bits, n.sign_offset_max);
  }
  bool product_register_in_fabric(uint32_t stages) const override { return stages >= 1; }
  // Both register sets hold the codes in fabric FFs.
  double weight_register_ffs(uint32_t weight_bits) const override { return 2.0 * weight_bits; }
  void count_product(const Resources& one, uint32_t, uint32_t, double products, Actions& pe) const override {
    pe.lut_logic += products * one.lut;  // shift and sign select
    pe.ff_bits += products * one.ff;     // the product register
  }
  std::unique_ptr<PeArray> make_datapath(const ArchSpec& arch) const override {
    return std::make_unique<SvpeArray>(arch);
  }
};
}  // namespace

uint32_t svpe_product_bits(uint32_t act_bits, uint32_t code_bits, uint32_t sign_offset_max) {
  // magnitude m has code_bits - 1 bits, the largest shift is m_max - 1 = 2^(code_bits-1) - 2,
  // plus the largest sign offset; one more bit for the negation of the most negative
  // activation shifted all the way.
  const uint32_t max_shift = (1u << (code_bits - 1)) - 2 + sign_offset_max;
  return act_bits + max_shift + 1;
}

Resources svpe_sign_offset_registers(uint32_t sign_offset_max) {
  Resources r;
  // The layer's offset D (clog2(max + 1) bits) and which sign carries it (1 bit; the other's
  // is 0), loaded from the descriptor at the layer's start; one copy per lane.
  if (sign_offset_max > 0) r.ff = double(clog2(uint64_t(sign_offset_max) + 1)) + 1;
  return r;
}

Resources svpe_shifted_activation(uint32_t act_bits, uint32_t sign_offset_max) {
  Resources r;
  if (sign_offset_max == 0) return r;
  // a' = a << D, D in 0..max: bit i selects among a[i-d], d = 0..max (above the top: the sign
  // bit; below 0: zero), under the offset register's bits; registered beside a.
  const uint32_t offset_bits = clog2(uint64_t(sign_offset_max) + 1), bits = act_bits + sign_offset_max;
  uint64_t luts = 0;
  for (uint32_t i = 0; i < bits; ++i) {
    std::set<uint32_t> src;
    for (uint32_t d = 0; d <= sign_offset_max && d <= i; ++d) src.insert(std::min(i - d, act_bits - 1));
    luts += lut6_for_inputs(uint32_t(src.size()) + offset_bits);
  }
  r.lut = double(luts);
  r.ff = bits;
  return r;
}

Resources svpe_product(uint32_t act_bits, uint32_t code_bits, uint32_t stages, uint32_t sign_offset_max) {
  if (code_bits < kMinCodeBits || code_bits > kMaxCodeBits)
    throw std::invalid_argument("resource model: svpe code bits must be " + std::to_string(kMinCodeBits) +
                                ".." + std::to_string(kMaxCodeBits) + ", got " + std::to_string(code_bits));
  if (sign_offset_max > 0) return svpe_offset_product(act_bits, code_bits, stages, sign_offset_max);
  const uint32_t mag_bits = code_bits - 1;
  const uint32_t max_shift = (1u << mag_bits) - 2;
  const uint32_t pw = svpe_product_bits(act_bits, code_bits, 0);
  // Output bit j of +-(a << (m-1)) selects among the activation bits a[j-s], s = 0..max_shift
  // (bits above the top are the sign bit, below bit 0 zero): d_j distinct data inputs, plus
  // the magnitude field (select, and zero for m = 0) and the sign bit, whose XOR feeds the
  // carry chain of the negation (x ^ s) + s. One function of d_j + mag_bits + 1 inputs per
  // bit, in LUT6s (lut6_for_inputs). Yosys-calibrated: Yosys needs one LUT fewer than this
  // sum at all eight points measured (act 8/16 x code 2..5), within 10% (docs/RESOURCES.md).
  uint64_t luts = 0;
  for (uint32_t j = 0; j < pw; ++j) {
    std::set<uint32_t> src;
    for (uint32_t s = 0; s <= max_shift && s <= j; ++s) src.insert(std::min(j - s, act_bits - 1));
    luts += lut6_for_inputs(uint32_t(src.size()) + mag_bits + 1);
  }
  Resources r;
  r.lut = double(luts) - 1;
  r.ff = double(pw) * stages;  // the product registers
  return r;
}

Resources svpe_offset_product(uint32_t act_bits, uint32_t code_bits, uint32_t stages, uint32_t sign_offset_max) {
  // The sign-offset product (docs/ARCHITECTURE.md §6): the window unit gives every element its
  // activation a and a' = a << D (svpe_shifted_activation, shared by the lanes); a product
  // whose sign carries the offset shifts a' instead of a: +-(a' << (m-1)). Output bit j selects
  // among the distinct bits a[j-s] and a'[j-s], s = 0..2^mb-2 (a' below bit D is zero), under
  // the magnitude field, the sign and the "which sign" register bit, in LUT6s as the plain
  // product (the same structural rule and one-LUT offset; not synthesized).
  const uint32_t mag_bits = code_bits - 1;
  const uint32_t max_shift = (1u << mag_bits) - 2;
  const uint32_t pw = svpe_product_bits(act_bits, code_bits, sign_offset_max);
  const uint32_t shifted_bits = act_bits + sign_offset_max;
  uint64_t luts = 0;
  for (uint32_t j = 0; j < pw; ++j) {
    std::set<uint32_t> plain, shifted;
    for (uint32_t s = 0; s <= max_shift && s <= j; ++s) {
      plain.insert(std::min(j - s, act_bits - 1));
      if (j - s >= sign_offset_max) shifted.insert(std::min(j - s, shifted_bits - 1));
    }
    luts += lut6_for_inputs(uint32_t(plain.size() + shifted.size()) + mag_bits + 2);
  }
  Resources r;
  r.lut = double(luts) - 1;
  r.ff = double(pw) * stages;
  return r;
}

const ArrayKindModel& svpe_kind() {
  static const SvpeKind k;
  return k;
}

}  // namespace shiftsim::models
