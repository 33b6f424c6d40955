// An IDX images file and its labels file (plain or gzip), through the reader of Fashion-MNIST
// (--data of eval, quantize and train). The input is: a byte for the sample limit (its value
// mod 4; 0 keeps every sample), two bytes (little-endian) for the images file's length, the
// images file, then the labels file.
#include <algorithm>
#include <fstream>

#include "fuzz/fuzz_support.h"
#include "quant/idx.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const shiftsim::fuzz::ScratchFile images("images.idx"), labels("labels.idx");
  if (size < 3) return 0;
  const size_t limit = data[0] % 4;
  const size_t split = std::min<size_t>(size_t(data[1]) | size_t(data[2]) << 8, size - 3);
  const char* rest = reinterpret_cast<const char*>(data + 3);
  std::ofstream(images.path(), std::ios::binary | std::ios::trunc).write(rest, long(split));
  std::ofstream(labels.path(), std::ios::binary | std::ios::trunc).write(rest + split, long(size - 3 - split));
  shiftsim::fuzz::expect_input_error_or_success([&] {
    const shiftsim::quant::ImageSet s = shiftsim::quant::read_idx(images.path(), labels.path(), limit);
    // What the callers rely on: one rows x cols image per label.
    if (s.pixels.size() != s.count() * size_t(s.rows) * size_t(s.cols) || s.rows <= 0 || s.cols <= 0) std::abort();
  });
  return 0;
}
