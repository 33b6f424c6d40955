#pragma once
// NumPy .npy files for tensors that leave or enter shiftsim (inputs, golden outputs), so that
// Python can check them. Version 1.0 is written; 1.0, 2.0 and 3.0 are read. Little-endian
// hosts only (x86, ARM), like the rest of the simulator's memory images.
#include <cstdint>
#include <string>
#include <vector>

#include "quant/qnetwork.h"
#include "quant/tensor.h"

namespace shiftsim::quant {

enum class NpyKind { floats, int16 };

struct NpyArray {
  std::vector<int64_t> shape;
  NpyKind kind = NpyKind::floats;
  std::vector<float> floats;   // '<f4' or '<f8' (narrowed to float)
  std::vector<int16_t> ints;   // '<i2': integers already quantized
};

// '<i2' / '<i4' / '<f4' arrays of shape (C, H, W). Atomic: the data goes to path + ".tmp",
// which is renamed over `path` only once complete. Failures are InputError naming the file.
void write_npy(const std::string& path, const Tensor<int16_t>& t);
void write_npy(const std::string& path, const Tensor<int32_t>& t);
void write_npy(const std::string& path, const Tensor<float>& t);

// Accepts '<f4', '<f8', '<i2', C order. A missing file, bad magic, bad header, another dtype,
// Fortran order, or a data size that does not match the shape is an InputError naming the file.
NpyArray read_npy(const std::string& path);

// A network input from a .npy file: its shape must be `expected` (leading 1s on either side
// are ignored, so (1, 28, 28), (28, 28) and 1x28x28 all match). Floats are quantized with
// `fmt`; '<i2' values are taken as already quantized and must fit fmt.bits.
Tensor<int16_t> read_input_npy(const std::string& path, Shape expected, FixedFormat fmt);

}  // namespace shiftsim::quant
