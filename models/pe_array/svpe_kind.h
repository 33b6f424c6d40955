#pragma once
// The SVPE array's kind (array_kind.h): power-of-two weight codes and shift products.
#include <cstdint>

#include "models/pe_array/array_kind.h"

namespace shiftsim::models {

// Width of a shift product: +-(a << (m-1)) with m up to 2^(code_bits-1) - 1, act_bits +
// 2^(code_bits-1) - 1 bits.
uint32_t svpe_product_bits(uint32_t act_bits, uint32_t code_bits);
// One SVPE shift product with `stages` register stages (svpe_lane.v, one element).
Resources svpe_product(uint32_t act_bits, uint32_t code_bits, uint32_t stages);

const ArrayKindModel& svpe_kind();

}  // namespace shiftsim::models
