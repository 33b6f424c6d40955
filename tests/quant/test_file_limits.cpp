// The size limit of model files (docs/LIMITS.md "Files") at its edge: float checkpoints,
// quantized models, ONNX models and IDX files of 2 GiB - 1 pass the size check, one byte more is
// refused by every reader before it reads anything. Sparse files: nothing is written to disk, and
// the at-limit case is checked with the size check the readers call (reading 2 GiB of zeros
// would only show that they are zeros).
#include <catch2/catch.hpp>

#include <filesystem>

#include "common/input_file.h"
#include "quant/float_model.h"
#include "quant/idx.h"
#include "quant/model_file.h"
#include "quant/onnx_import.h"
#include "quant_test_util.h"

using namespace shiftsim::quant;
using namespace shiftsim::quant::test;
using Catch::Matchers::Contains;

TEST_CASE("model file limit: 2 GiB - 1 passes the size check and one byte more is refused by every reader") {
  TempDir dir("model-file-limit");
  const std::string f = dir.path() + "/big.bin";
  write_file(f, "");
  std::filesystem::resize_file(f, shiftsim::kMaxModelFileBytes);
  CHECK(shiftsim::check_input_file(f, "quantized model", shiftsim::kMaxModelFileBytes) == shiftsim::kMaxModelFileBytes);

  std::filesystem::resize_file(f, shiftsim::kMaxModelFileBytes + 1);
  const std::string over = ": the file has 2147483648 bytes, more than the limit of 2147483647 bytes";
  CHECK_THAT(input_error_of([&] { load_quantized_network(f); }),
             Contains(f + ": cannot read the quantized model" + over));
  CHECK_THAT(input_error_of([&] { load_float_network(f); }),
             Contains(f + ": cannot read the float checkpoint" + over));
  CHECK_THAT(input_error_of([&] { import_onnx(f); }), Contains(f + ": cannot read the ONNX model" + over));
  CHECK_THAT(input_error_of([&] { read_idx(f, f); }), Contains(f + ": cannot read the IDX file" + over));
}
