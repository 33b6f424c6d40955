// Network JSON text -> IR: the depth pre-scan, nlohmann's parser, JsonReader and shape inference.
#include "common/json_text.h"
#include "fuzz/fuzz_support.h"
#include "quant/network.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  shiftsim::fuzz::expect_input_error_or_success([&] {
    const shiftsim::quant::Network net =
        shiftsim::quant::parse_network(shiftsim::parse_json_text(text, "fuzz.json"), "fuzz.json");
    for (const auto& l : net.layers) (void)shiftsim::quant::layer_macs(l);
  });
  return 0;
}
