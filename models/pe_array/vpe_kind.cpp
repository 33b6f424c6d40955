// The VPE array's kind: its weight code, its limits, its product's resources and activity.
// The DSP count per multiply is checked against Yosys (docs/RESOURCES.md, tests/resources/vpe_lane.v).
#include "models/pe_array/vpe_kind.h"

#include <algorithm>

#include "models/energy/activity.h"
#include "models/int_math.h"
#include "models/pe_array/vpe_array.h"

namespace shiftsim::models {

namespace {
// Weights and activations are int16 in the datapath (docs/NUMERICS.md).
constexpr uint32_t kMinWeightBits = 2, kMaxWeightBits = 16;
// The DSP48E2 holds three register stages of a product: A/B input registers, the M
// (multiplier) register and the P (output) register (UG579).
constexpr uint32_t kDspStages = 3;

class VpeKind final : public ArrayKindModel {
 public:
  ArrayKind kind() const override { return ArrayKind::vpe; }
  const char* name() const override { return "vpe"; }
  const char* description() const override { return "DSP multiplies (fixed-point weights)"; }
  WeightCode weight_code() const override { return WeightCode::twos_complement; }
  uint32_t min_weight_bits() const override { return kMinWeightBits; }
  uint32_t max_weight_bits() const override { return kMaxWeightBits; }
  const char* weight_bits_why() const override { return "two's complement; the datapath holds int16 weights"; }
  uint32_t default_weight_bits() const override { return 16; }
  uint32_t default_product_stages() const override { return kDspStages; }
  uint32_t weight_element_bits(uint32_t weight_bits) const override { return 8 * ((weight_bits + 7) / 8); }
  uint32_t product_bits(const NumericsSpec& n) const override {
    return vpe_product_bits(n.act_bits, n.weight_bits);
  }
  Resources product(const NumericsSpec& n, uint32_t stages) const override {
    return vpe_product(n.act_bits, n.weight_bits, stages);
  }
  bool product_register_in_fabric(uint32_t stages) const override { return stages > kDspStages; }
  // The DSP48E2's B1 and B2 registers (BREG = 2, UG579) hold both sets: no fabric FFs.
  double weight_register_ffs(uint32_t) const override { return 0.0; }
  void count_product(const Resources& one, uint32_t act_bits, uint32_t weight_bits, double products,
                     Actions& pe) const override {
    pe.dsp_operand_bits += products * (act_bits + weight_bits);
    pe.ff_bits += products * one.ff;  // product stages beyond the DSP's own three
  }
  std::unique_ptr<PeArray> make_datapath(const ArchSpec& arch) const override {
    return std::make_unique<VpeArray>(arch);
  }
};
}  // namespace

uint32_t vpe_product_bits(uint32_t act_bits, uint32_t weight_bits) { return act_bits + weight_bits; }

uint32_t dsp48e2_per_multiply(uint32_t a_bits, uint32_t b_bits) {
  // DSP48E2: a 27 x 18 two's complement multiplier (AMD UG579). Wider products are split into
  // 27 x 18 pieces whose partial sums use the DSPs' own post-adders and cascade (rough: the
  // signed pieces lose a bit each, which this ignores).
  const auto fit = [](uint32_t a, uint32_t b) { return ceil_div(a, 27) * ceil_div(b, 18); };
  return uint32_t(std::min(fit(a_bits, b_bits), fit(b_bits, a_bits)));
}

Resources vpe_product(uint32_t act_bits, uint32_t weight_bits, uint32_t stages) {
  Resources r;
  r.dsp = dsp48e2_per_multiply(act_bits, weight_bits);
  // Stages beyond the DSP's three are fabric FFs. (Yosys 0.23 does not pack registers into a
  // DSP48E2, so vpe_lane.v instantiates the DSP48E2 with AREG = BREG = MREG = PREG = 1, as
  // Vivado would infer it.)
  if (stages > kDspStages) r.ff = double(vpe_product_bits(act_bits, weight_bits)) * (stages - kDspStages);
  return r;
}

const ArrayKindModel& vpe_kind() {
  static const VpeKind k;
  return k;
}

}  // namespace shiftsim::models
