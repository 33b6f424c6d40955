// A .npy file, through the reader the CLI's --input uses (header, data, value checks).
#include <fstream>

#include "fuzz/fuzz_support.h"
#include "quant/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const shiftsim::fuzz::ScratchFile scratch("input.npy");
  const std::string& path = scratch.path();
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), long(size));
  shiftsim::fuzz::expect_input_error_or_success([&] {
    shiftsim::quant::InputConversion c;
    (void)shiftsim::quant::read_input_npy(path, {1, 2, 2}, {8, 4}, &c);
  });
  shiftsim::fuzz::expect_input_error_or_success([&] { (void)shiftsim::quant::read_npy(path); });
  return 0;
}
