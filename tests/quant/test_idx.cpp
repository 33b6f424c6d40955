// Fashion-MNIST from Debian's dataset-fashion-mnist, and refusal of damaged IDX files.
#include <catch2/catch.hpp>

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
