#pragma once
// The VPE array's kind (array_kind.h): fixed-point weights and DSP48E2 multiplies.
#include <cstdint>

#include "models/pe_array/array_kind.h"

namespace shiftsim::models {

// Width of a multiply product a * w: act_bits + weight_bits bits.
uint32_t vpe_product_bits(uint32_t act_bits, uint32_t weight_bits);
// One VPE product: DSP48E2 slices for an act_bits x weight_bits signed multiply; up to three
// register stages (A/B, M, P) sit inside the DSP, further ones are fabric FFs.
Resources vpe_product(uint32_t act_bits, uint32_t weight_bits, uint32_t stages);
// DSP48E2 slices for one signed multiply (27 x 18 per slice, UG579).
uint32_t dsp48e2_per_multiply(uint32_t a_bits, uint32_t b_bits);

const ArrayKindModel& vpe_kind();

}  // namespace shiftsim::models
