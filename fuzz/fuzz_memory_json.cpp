// DDR4 memory file text (configs/memory/*.json) -> Ddr4Spec: geometry, timings (ns to clocks)
// and the address map, with the checks that the timing model can run them.
#include "common/json_text.h"
#include "fuzz/fuzz_support.h"
#include "sim/memory_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  shiftsim::fuzz::expect_input_error_or_success([&] {
    (void)shiftsim::sim::parse_memory_config(shiftsim::parse_json_text(text, "memory.json"), "memory.json");
  });
  return 0;
}
