// Sweep file text (configs/sweeps/*.json) -> SweepSpec: parameter lists and ranges (expanded
// here, so a range's size limit is exercised), constraints, objectives and fronts.
#include "common/json_text.h"
#include "fuzz/fuzz_support.h"
#include "study/sweep_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  shiftsim::fuzz::expect_input_error_or_success([&] {
    (void)shiftsim::sim::parse_sweep_spec(shiftsim::parse_json_text(text, "sweep.json"), "sweep.json");
  });
  return 0;
}
