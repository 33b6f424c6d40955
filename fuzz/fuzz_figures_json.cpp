// The files of `shiftsim reproduce`: the published figures (configs/reproduce/nbqnn_*.json) and
// experiment 2's config (largest_zcu102.json). Both readers take a path, so the input goes
// through a scratch file, as the CLI reads it.
#include <fstream>

#include "fuzz/fuzz_support.h"
#include "study/reproduce_exp2.h"
#include "study/reproduce_published.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const shiftsim::fuzz::ScratchFile scratch("figures.json");
  const std::string& path = scratch.path();
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), long(size));
  shiftsim::fuzz::expect_input_error_or_success([&] { (void)shiftsim::sim::load_published_figures(path); });
  shiftsim::fuzz::expect_input_error_or_success([&] { (void)shiftsim::sim::load_exp2_config(path); });
  return 0;
}
