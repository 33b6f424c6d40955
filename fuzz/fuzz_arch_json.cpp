// Arch config text (configs/arch/*.json) -> ArchSpec: the depth pre-scan, nlohmann's parser and
// every section reader of parse_arch. The device, energy and memory files it names are not
// opened (they have targets of their own).
#include "common/json_text.h"
#include "fuzz/fuzz_support.h"
#include "sim/arch_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  shiftsim::fuzz::expect_input_error_or_success([&] {
    std::string device, description;
    shiftsim::sim::ArchExtras extras;
    (void)shiftsim::sim::parse_arch(shiftsim::parse_json_text(text, "arch.json"), "arch.json", &device,
                                    &description, &extras);
  });
  return 0;
}
