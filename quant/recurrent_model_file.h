#pragma once
// Quantized sequence-model files: what `shiftsim quantize` writes for a network with lstm, gru or
// embedding layers, and what `shiftsim eval --model` reads (the CNN files are model_file.h's; a
// sequence network keeps a format per tensor, which that layout has no room for).
//
// Layout (binfile.h framing, magic "SHSIMRQN", format version 1, little-endian):
//   the network (embedded_network.h)
//   i32 input.bits, i32 input.frac, i32 acc_bits, u64 layer count, then per layer:
//     six tensors, weights, recurrent, peepholes, bias, h0, c0, each:
//       u8 kind (0 fixed, 1 pow2), i32 code_bits, i32 bits, i32 frac, u64 n, n x i32 values
//     formats (i32 bits, i32 frac): out, cell; u64 gate count, the gates' formats;
//     sigmoid_out, tanh_out, reset_product
//   u32 CRC-32 of everything before it.
// Truncated, damaged, newer-version or inconsistent files (check_recurrent_network) are refused
// with an InputError naming the file.
#include <string>

#include "quant/recurrent_qnetwork.h"

namespace shiftsim::quant {

constexpr uint32_t kRecurrentModelFileVersion = 1;

// Atomic (path + ".tmp", then rename). InputError for an inconsistent network.
void save_recurrent_network(const std::string& path, const RecurrentQuantizedNetwork& qn);
RecurrentQuantizedNetwork load_recurrent_network(const std::string& path);

// Whether the file starts with this kind's magic (an unreadable or non-regular file: false;
// a FIFO is never opened).
bool is_recurrent_model_file(const std::string& path);

}  // namespace shiftsim::quant
