#include "quant/idx.h"

#include <zlib.h>

#include "common/input_error.h"
#include "common/input_file.h"

namespace shiftsim::quant {

namespace {
// Decompressed, Fashion-MNIST's largest file has 47 MB.
constexpr size_t kMaxIdxBytes = size_t(1) << 30;

// Whole file through zlib, which reads plain files unchanged.
std::vector<uint8_t> read_all(const std::string& path) {
  check_input_file(path, "IDX file", kMaxModelFileBytes);
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw InputError(path + ": cannot open file");
  std::vector<uint8_t> out;
  uint8_t buf[1 << 16];
  int n = 0;
  while ((n = gzread(f, buf, sizeof buf)) > 0) {
    out.insert(out.end(), buf, buf + n);
    if (out.size() > kMaxIdxBytes) {
      gzclose(f);
      throw InputError(path + ": more than " + byte_size_text(kMaxIdxBytes) + " decompressed");
    }
  }
  const bool failed = n < 0;
  gzclose(f);
  if (failed) throw InputError(path + ": corrupt or truncated gzip data");
  return out;
}

uint32_t be32(const std::vector<uint8_t>& b, size_t at) {
  return uint32_t(b[at]) << 24 | uint32_t(b[at + 1]) << 16 | uint32_t(b[at + 2]) << 8 | b[at + 3];
}
}  // namespace

ImageSet read_idx(const std::string& images_path, const std::string& labels_path, size_t limit) {
  const std::vector<uint8_t> img = read_all(images_path), lab = read_all(labels_path);
  if (img.size() < 16 || be32(img, 0) != 0x00000803)
    throw InputError(images_path + ": not an IDX image file (magic 0x00000803)");
  if (lab.size() < 8 || be32(lab, 0) != 0x00000801)
    throw InputError(labels_path + ": not an IDX label file (magic 0x00000801)");
  const size_t n = be32(img, 4), rows = be32(img, 8), cols = be32(img, 12), nl = be32(lab, 4);
  if (n != nl)
    throw InputError(images_path + ": " + std::to_string(n) + " images but " + labels_path +
                     " has " + std::to_string(nl) + " labels");
  if (img.size() < 16 + n * rows * cols)
    throw InputError(images_path + ": truncated (" + std::to_string(n) + " images of " +
                     std::to_string(rows) + "x" + std::to_string(cols) + " announced)");
  if (lab.size() < 8 + n) throw InputError(labels_path + ": truncated");
  const size_t keep = limit > 0 && limit < n ? limit : n;
  ImageSet s;
  s.rows = int(rows);
  s.cols = int(cols);
  s.pixels.assign(img.begin() + 16, img.begin() + 16 + long(keep * rows * cols));
  s.labels.assign(lab.begin() + 8, lab.begin() + 8 + long(keep));
  for (uint8_t l : s.labels)
    if (l > 9) throw InputError(labels_path + ": label " + std::to_string(l) + " is not 0..9");
  return s;
}

ImageSet load_fashion_mnist(const std::string& split, size_t limit, const std::string& dir) {
  if (split != "train" && split != "test")
    throw InputError("fashion-mnist split must be train or test, found " + split);
  const std::string stem = dir + "/" + (split == "train" ? "train" : "t10k");
  return read_idx(stem + "-images-idx3-ubyte.gz", stem + "-labels-idx1-ubyte.gz", limit);
}

}  // namespace shiftsim::quant
