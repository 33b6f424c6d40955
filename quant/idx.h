#pragma once
// IDX files (the MNIST / Fashion-MNIST format), plain or gzip-compressed, and the Fashion-MNIST
// data set as Debian's dataset-fashion-mnist installs it.
#include <cstdint>
#include <string>
#include <vector>

namespace shiftsim::quant {

struct ImageSet {
  int rows = 0, cols = 0;
  std::vector<uint8_t> pixels;  // count x rows x cols, row-major, 0..255
  std::vector<uint8_t> labels;  // count, 0..9
  size_t count() const { return labels.size(); }
  const uint8_t* image(size_t i) const { return pixels.data() + i * size_t(rows) * cols; }
};

// The most an IDX file may hold, decompressed: its header and the data the header announces
// (Fashion-MNIST's largest file has 47 MB). Checked on the header, before any data is read.
constexpr uint64_t kMaxIdxBytes = uint64_t(1) << 30;

constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// Reads an images file and its labels file (gzip or plain, detected by content). Throws
// InputError naming the file on a missing file, a bad magic number, a size of 0 or over
// kMaxIdxBytes in the header, truncation, or a count mismatch between the two. `limit` > 0 keeps
// (and reads) the first `limit` samples.
ImageSet read_idx(const std::string& images_path, const std::string& labels_path, size_t limit = 0);

// "train" (60,000) or "test" (10,000) from `dir`.
ImageSet load_fashion_mnist(const std::string& split, size_t limit = 0,
                            const std::string& dir = kFashionMnistDir);

}  // namespace shiftsim::quant
