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

// Accepts '<f4', '<f8', '<i2', C order. A missing or non-regular file, one over the size limit
// (common/input_file.h), bad magic, a header NumPy's format does not allow (quant/npy_header.h),
// another dtype, Fortran order, or a data size that does not match the shape is an InputError
// naming the file. float64 values beyond float's range become +-FLT_MAX.
NpyArray read_npy(const std::string& path);

// What quantizing a float input did to its values: finite values beyond the input format's
// range are saturated to it, and counted here so that the user is told.
struct InputConversion {
  uint64_t values = 0;
  uint64_t saturated = 0;
  uint64_t first_saturated = 0;  // index of the first saturated value
  double first_value = 0;
  double lo = 0, hi = 0;         // the format's range
  // "path: N of M values lie outside ... (first at index i: v)"; empty when none saturated.
  std::string warning(const std::string& path) const;
};

// A network input from a .npy file: its shape must be `expected` (leading 1s on either side
// are ignored, so (1, 28, 28), (28, 28) and 1x28x28 all match). Floats are quantized with
// `fmt`: NaN and infinities are refused (all counted in the message), values beyond the
// format's range saturate and are counted in `*conversion`. '<i2' values are taken as already
// quantized and must fit fmt.bits.
Tensor<int16_t> read_input_npy(const std::string& path, Shape expected, FixedFormat fmt,
                               InputConversion* conversion = nullptr);

}  // namespace shiftsim::quant
