#pragma once
// Consistency of a QuantizedNetwork: everything the golden executor and the mapper assume, checked
// up front so that a hand-edited model file is an InputError naming the layer and field, never
// a crash (or a std::invalid_argument) deep inside the executor.
#include <string>

#include "quant/qnetwork.h"

namespace shiftsim::quant {

// Throws InputError "<where>: layer <name>: <field>: <problem>" on the first violation:
//   act_bits 2..16, acc_bits 2..62, input.bits 2..act_bits, one record per layer;
//   every out.bits == act_bits, every |frac| <= kMaxFormatFrac;
//   conv/fc: weight_bits 2..16 (fixed) or 2..5 (pow2), |w_frac| <= kMaxWeightFracMagnitude,
//     weight count = weight_count(l), bias count = out_channels, fixed |w| <= 2^(bits-1) - 1,
//     pow2 w = 0 or +-2^s with s <= 2^(bits-1) - 2, bias fits acc_bits,
//     shift in.frac + w_frac - out.frac >= 0;
//   add: max(fa, fb) - out.frac >= 0 and |fa - fb| <= 46; concat: every f_i >= out.frac;
//   pools, relu, flatten: out.frac == in.frac; no weights or bias outside conv/fc.
void check_quantized_network(const QuantizedNetwork& qn, const std::string& where);

// Formats further than this from 2^0 are nonsense (and would make shifts overflow).
constexpr int kMaxFormatFrac = 120;

}  // namespace shiftsim::quant
