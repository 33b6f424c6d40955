#pragma once
// The golden integer executor of sequence networks (recurrent_qnetwork.h). Per step of an
// lstm/gru, each gate block's accumulator is
//   acc = W x + R h (+ P c) + Wb + Rb,
// every term exact and aligned to the finest of their fracs by left shifts, the sum saturated to
// acc_bits; the pre-activation is acc requantized to the gate's format; sigmoid and tanh are
// fixed_act.h's; products of two tensors are exact and requantized to the destination format.
// Requantization everywhere: arithmetic right shift with round half up, then clamp to the width
// (a left shift, saturating, when the destination is finer). docs/QUANTIZATION.md lists each
// step's formats.
#include <cstdint>
#include <vector>

#include "quant/recurrent_qnetwork.h"

namespace shiftsim::quant {

struct RecurrentGoldenRun {
  std::vector<Tensor<int32_t>> outputs;  // one per layer, in that layer's `out` format
  std::vector<uint64_t> saturations;     // accumulator saturations per layer
};

// InputError for a network that fails check_recurrent_network, an input of the wrong shape or
// values outside the input format, or a token id outside the embedding's vocabulary.
RecurrentGoldenRun run_recurrent_golden(const RecurrentQuantizedNetwork& qn,
                                        const Tensor<int32_t>& input);

// round_half_away(x * 2^frac) clamped to fmt.bits; InputError for non-finite values.
Tensor<int32_t> quantize_sequence_input(const Tensor<float>& x, FixedFormat fmt);

// Integers back to real values.
std::vector<float> dequantize(const Tensor<int32_t>& t, FixedFormat fmt);

}  // namespace shiftsim::quant
