#pragma once
// The SVPE array's kind (array_kind.h): power-of-two weight codes and shift products.
#include <cstdint>

#include "models/pe_array/array_kind.h"

namespace shiftsim::models {

// Width of a shift product: +-(a << (m-1+offset)) with m up to 2^(code_bits-1) - 1 and the
// offset up to sign_offset_max, act_bits + 2^(code_bits-1) - 1 + sign_offset_max bits.
uint32_t svpe_product_bits(uint32_t act_bits, uint32_t code_bits, uint32_t sign_offset_max = 0);
// One SVPE shift product with `stages` register stages (svpe_lane.v, one element); with
// sign_offset_max > 0, the product with the sign-offset decoder (svpe_offset_product).
Resources svpe_product(uint32_t act_bits, uint32_t code_bits, uint32_t stages, uint32_t sign_offset_max = 0);
Resources svpe_offset_product(uint32_t act_bits, uint32_t code_bits, uint32_t stages, uint32_t sign_offset_max);
// One lane's sign-offset registers (none without offsets).
Resources svpe_sign_offset_registers(uint32_t sign_offset_max);
// One window element's shifted copy a << D of its activation (none without offsets).
Resources svpe_shifted_activation(uint32_t act_bits, uint32_t sign_offset_max);

const ArrayKindModel& svpe_kind();

}  // namespace shiftsim::models
