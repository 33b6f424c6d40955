#include "quant/idx.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "common/input_error.h"
#include "common/input_file.h"

namespace shiftsim::quant {

namespace {

// One IDX file, plain or gzip (zlib reads plain files unchanged), read header first: the sizes
// it announces are checked against kMaxIdxBytes before any data is read, so that a header that
// claims a huge (or, multiplied out, wrapping) size is refused at once, and only the data the
// caller keeps is read.
class IdxFile {
 public:
  IdxFile(const std::string& path, uint32_t magic, size_t dims, const char* kind) : path_(path) {
    check_input_file(path, "IDX file", kMaxModelFileBytes);
    f_.reset(gzopen(path.c_str(), "rb"));
    if (!f_) throw InputError(path + ": cannot open file");
    const std::string head = read(4 + 4 * dims);
    if (head.size() < 4 + 4 * dims || be32(head, 0) != magic) {
      char m[16];
      std::snprintf(m, sizeof m, "0x%08x", magic);
      throw InputError(path + ": not an IDX " + kind + " file (magic " + m + ")");
    }
    // Header and data, in 64 bits: three sizes of up to 2^32 - 1 overflow them; stop at the limit.
    uint64_t total = 1;
    for (size_t i = 0; i < dims; ++i) {
      dims_.push_back(be32(head, 4 + 4 * i));
      if (dims_.back() == 0) throw InputError(path + ": the header announces a size of 0");
      if (total <= kMaxIdxBytes) total *= dims_.back();
    }
    if (total > kMaxIdxBytes - head.size()) {
      std::string sizes;
      for (uint32_t d : dims_) sizes += (sizes.empty() ? "" : " x ") + std::to_string(d);
      throw InputError(path + ": the header announces " + sizes + " bytes of data: with the header, more than " +
                       "the limit of " + byte_size_text(kMaxIdxBytes) + " for an IDX file");
    }
  }
  const std::vector<uint32_t>& dims() const { return dims_; }

  // The next `n` bytes (fewer at the end of the data); memory grows with what the file holds,
  // not with what its header claims.
  std::string read(uint64_t n) {
    std::string out;
    char buf[1 << 16];
    while (out.size() < n) {
      const int got = gzread(f_.get(), buf, unsigned(std::min<uint64_t>(sizeof buf, n - out.size())));
      if (got < 0) throw InputError(path_ + ": corrupt or truncated gzip data");
      if (got == 0) break;
      out.append(buf, size_t(got));
    }
    return out;
  }

  static uint32_t be32(const std::string& b, size_t at) {
    const auto u = [&](size_t i) { return uint32_t(uint8_t(b[at + i])); };
    return u(0) << 24 | u(1) << 16 | u(2) << 8 | u(3);
  }

 private:
  std::string path_;
  // Closed by the member's destructor, which also runs when the constructor throws.
  std::unique_ptr<gzFile_s, int (*)(gzFile)> f_{nullptr, gzclose};
  std::vector<uint32_t> dims_;
};

}  // namespace

ImageSet read_idx(const std::string& images_path, const std::string& labels_path, size_t limit) {
  IdxFile img(images_path, 0x00000803, 3, "image");
  IdxFile lab(labels_path, 0x00000801, 1, "label");
  const size_t n = img.dims()[0], rows = img.dims()[1], cols = img.dims()[2], nl = lab.dims()[0];
  if (n != nl)
    throw InputError(images_path + ": " + std::to_string(n) + " images but " + labels_path +
                     " has " + std::to_string(nl) + " labels");
  // Within the limit checked above, so no product below overflows and rows, cols fit an int.
  const size_t keep = limit > 0 && limit < n ? limit : n;
  const std::string pixels = img.read(keep * rows * cols);
  if (pixels.size() < keep * rows * cols)
    throw InputError(images_path + ": truncated (" + std::to_string(n) + " images of " +
                     std::to_string(rows) + "x" + std::to_string(cols) + " announced)");
  const std::string labels = lab.read(keep);
  if (labels.size() < keep) throw InputError(labels_path + ": truncated");
  ImageSet s;
  s.rows = int(rows);
  s.cols = int(cols);
  s.pixels.assign(pixels.begin(), pixels.end());
  s.labels.assign(labels.begin(), labels.end());
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
