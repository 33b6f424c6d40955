// Fashion-MNIST from Debian's dataset-fashion-mnist, and refusal of damaged IDX files.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

#include "common/input_error.h"
#include "quant/idx.h"

using namespace shiftsim::quant;

TEST_CASE("Fashion-MNIST loads with the published sizes and balanced labels") {
  const ImageSet test = load_fashion_mnist("test");
  CHECK(test.count() == 10000);
  CHECK(test.rows == 28);
  CHECK(test.cols == 28);
  std::vector<int> per_class(10, 0);
  for (uint8_t l : test.labels) ++per_class[l];
  for (int c : per_class) CHECK(c == 1000);  // the test split has 1,000 images per class
  const ImageSet few = load_fashion_mnist("train", 100);
  CHECK(few.count() == 100);
  CHECK(few.pixels.size() == 100 * 28 * 28);
}

TEST_CASE("damaged IDX files are refused with the file named") {
  const std::string dir = std::getenv("SHIFTSIM_TEST_TMP") ? std::getenv("SHIFTSIM_TEST_TMP") : "/tmp";
  const std::string bad = dir + "/bad-idx.bin";
  std::ofstream(bad, std::ios::binary) << "not an idx file at all";
  const std::string labels = std::string(kFashionMnistDir) + "/t10k-labels-idx1-ubyte.gz";
  try {
    read_idx(bad, labels);
    FAIL("accepted a bad file");
  } catch (const shiftsim::InputError& e) {
    CHECK(std::string(e.what()).find("bad-idx.bin") != std::string::npos);
  }
  CHECK_THROWS_AS(read_idx(dir + "/missing.gz", labels), shiftsim::InputError);
  CHECK_THROWS_AS(load_fashion_mnist("validation"), shiftsim::InputError);
}

namespace {

// A plain (uncompressed) IDX file: the magic, the sizes, then `data`.
void write_idx(const std::string& path, uint32_t magic, const std::vector<uint32_t>& dims, const std::string& data = "") {
  std::string bytes;
  auto be32 = [&](uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) bytes += char((v >> s) & 0xff);
  };
  be32(magic);
  for (uint32_t d : dims) be32(d);
  std::ofstream(path, std::ios::binary) << bytes << data;
}

std::string idx_error(const std::string& images, const std::string& labels, size_t limit = 0) {
  try {
    read_idx(images, labels, limit);
  } catch (const shiftsim::InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

}  // namespace

TEST_CASE("IDX size limit at its edge: the header's announced size is checked before any data is read") {
  const std::string dir = std::getenv("SHIFTSIM_TEST_TMP") ? std::getenv("SHIFTSIM_TEST_TMP") : "/tmp";
  const std::string images = dir + "/idx-limit-images", labels = dir + "/idx-limit-labels";
  // 16 header bytes and 2^30 - 16 images of 1x1: exactly the limit. Accepted by the limit, then
  // refused as truncated (the file holds a header only): nothing of 1 GiB is written or allocated.
  const uint32_t at = uint32_t(kMaxIdxBytes - 16);
  static_assert(kMaxIdxBytes == uint64_t(1) << 30);
  write_idx(images, 0x803, {at, 1, 1});
  write_idx(labels, 0x801, {at});
  CHECK(idx_error(images, labels) == images + ": truncated (1073741808 images of 1x1 announced)");
  // One byte more is refused by its header, naming the sizes and the limit.
  write_idx(images, 0x803, {at + 1, 1, 1});
  CHECK(idx_error(images, labels) == images + ": the header announces 1073741809 x 1 x 1 bytes of data: with the "
                                              "header, more than the limit of 1 GiB for an IDX file");
  // The labels file the same way: 8 header bytes and 2^30 - 8 labels pass the limit (and then
  // do not match the images' count), one more is refused.
  write_idx(images, 0x803, {10, 1, 1}, std::string(10, '\0'));
  write_idx(labels, 0x801, {uint32_t(kMaxIdxBytes - 8)});
  CHECK(idx_error(images, labels) == images + ": 10 images but " + labels + " has 1073741816 labels");
  write_idx(labels, 0x801, {uint32_t(kMaxIdxBytes - 7)});
  CHECK(idx_error(images, labels) == labels + ": the header announces 1073741817 bytes of data: with the header, "
                                              "more than the limit of 1 GiB for an IDX file");
}

TEST_CASE("IDX sizes whose product wraps around 64 bits or that are 0 are refused") {
  const std::string dir = std::getenv("SHIFTSIM_TEST_TMP") ? std::getenv("SHIFTSIM_TEST_TMP") : "/tmp";
  const std::string images = dir + "/idx-wrap-images", labels = dir + "/idx-wrap-labels";
  // 2^22 x 2^21 x 2^21 = 2^64: the size check wrapped to 0, so with its 2^22 labels present the
  // file was read as 2^22 images without a pixel (callers then read past the end), and with a
  // --limit of 1 the reader asked for 2^42 bytes (std::bad_alloc, an internal error).
  write_idx(images, 0x803, {1u << 22, 1u << 21, 1u << 21});
  write_idx(labels, 0x801, {1u << 22}, std::string(size_t(1) << 22, '\0'));
  for (size_t limit : {size_t(0), size_t(1)})
    CHECK(idx_error(images, labels, limit) == images + ": the header announces 4194304 x 2097152 x 2097152 bytes of "
                                                       "data: with the header, more than the limit of 1 GiB for an IDX file");
  write_idx(images, 0x803, {2, 0, 28});
  write_idx(labels, 0x801, {2}, std::string(2, '\0'));
  CHECK(idx_error(images, labels) == images + ": the header announces a size of 0");
  // A valid small set, and --limit reads only the images it keeps.
  write_idx(images, 0x803, {3, 2, 2}, std::string(12, '\7'));
  write_idx(labels, 0x801, {3}, std::string("\1\2\3", 3));
  const ImageSet all = read_idx(images, labels);
  CHECK(all.count() == 3);
  CHECK(all.pixels == std::vector<uint8_t>(12, 7));
  CHECK(all.labels == std::vector<uint8_t>{1, 2, 3});
  write_idx(images, 0x803, {3, 2, 2}, std::string(4, '\7'));  // truncated after the first image
  CHECK(read_idx(images, labels, 1).pixels == std::vector<uint8_t>(4, 7));
  CHECK(idx_error(images, labels) == images + ": truncated (3 images of 2x2 announced)");
  std::remove(images.c_str());
  std::remove(labels.c_str());
}
