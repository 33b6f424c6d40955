#pragma once
// Float checkpoints: a FloatNetwork on disk, written by training (train/) and by the ONNX
// importer, read by `shiftsim quantize` and `shiftsim eval --float`.
//
// Layout (binfile.h framing, magic "SHSIMFLT", format version 1, little-endian):
//   u64 n + n bytes: the network as JSON text (network_to_json; parse_network reads it back)
//   u64 layer count (= layers in the JSON), then per layer:
//     u64 nw, nw float32 weights   (conv: [M][C/G][K][K]; fc: [M][in_features]; embedding,
//                                   lstm, gru: as weights_gen.h says; else 0)
//     u64 nb, nb float32 biases    (bias_count: conv/fc M, lstm/gru Wb then Rb; else 0)
//   u32 CRC-32 of everything before it.
// Truncated, corrupted (CRC), newer-version or inconsistent files (counts that do not match
// the network, non-finite values) are refused with an InputError naming the file.
#include <string>

#include "quant/weights_gen.h"

namespace shiftsim::quant {

constexpr uint32_t kFloatModelVersion = 1;

// Atomic: written to path + ".tmp" and renamed. Throws InputError if `f` is inconsistent
// (parameter counts) or the file cannot be written.
void save_float_network(const std::string& path, const FloatNetwork& f);

FloatNetwork load_float_network(const std::string& path);

// Parameter counts of every layer match the network (weight_count and bias_count;
// others: empty) and all values are finite; else InputError "<where>: layer <name>: ...".
void check_float_network(const FloatNetwork& f, const std::string& where);

}  // namespace shiftsim::quant
