// Energy table text (configs/energy/*.json) -> EnergySpec.
#include "common/json_text.h"
#include "fuzz/fuzz_support.h"
#include "sim/energy_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  shiftsim::fuzz::expect_input_error_or_success([&] {
    (void)shiftsim::sim::parse_energy_spec(shiftsim::parse_json_text(text, "energy.json"), "energy.json");
  });
  return 0;
}
