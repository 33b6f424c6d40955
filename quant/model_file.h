#pragma once
// Quantized-model files: what `shiftsim quantize` writes and `eval` / `run --model` read.
//
// Layout (binfile.h framing, magic "SHSIMQNT", format version 2, little-endian):
//   u64 n + n bytes: the network as JSON text (network_to_json)
//   i32 input.bits, i32 input.frac, i32 act_bits, i32 acc_bits, u8 overflow (0 saturate, 1 wrap)
//   u64 layer count, then per layer:
//     i32 out.bits, i32 out.frac, u8 weight kind (0 fixed, 1 pow2), i32 weight_bits, i32 w_frac,
//     i32 offset_pos, i32 offset_neg (version 2 on; version 1 files have none: both 0),
//     u64 nw, nw x i32 weights, u64 nb, nb x i64 bias
//   u32 CRC-32 of everything before it.
// A damaged (CRC), truncated, newer-version or inconsistent file (check_quantized_network) is
// refused with an InputError naming the file and the problem.
#include <string>

#include "quant/qnetwork.h"

namespace shiftsim::quant {

// 2 added the per-sign exponent offsets (GSNQ's two windows); version 1 files still load.
constexpr uint32_t kModelFileVersion = 2;

// Atomic (path + ".tmp", then rename). Refuses an inconsistent network with InputError.
void save_quantized_network(const std::string& path, const QuantizedNetwork& qn);

QuantizedNetwork load_quantized_network(const std::string& path);

}  // namespace shiftsim::quant
