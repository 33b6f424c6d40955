// Device table text (configs/devices/*.json) -> DeviceSpec.
#include "common/json_text.h"
#include "fuzz/fuzz_support.h"
#include "sim/device.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  shiftsim::fuzz::expect_input_error_or_success([&] {
    (void)shiftsim::sim::parse_device(shiftsim::parse_json_text(text, "device.json"), "device.json");
  });
  return 0;
}
