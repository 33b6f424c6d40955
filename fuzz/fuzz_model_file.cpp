// Quantized-model and float-checkpoint payloads. The fuzz input is framed with a valid magic,
// version and CRC, so that the records behind the checksum are what is exercised (a damaged
// checksum alone is refused before them).
#include "fuzz/fuzz_support.h"
#include "quant/binfile.h"
#include "quant/float_model.h"
#include "quant/model_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const shiftsim::fuzz::ScratchFile scratch("model.bin");
  const std::string& path = scratch.path();
  const std::vector<uint8_t> payload(data, data + size);
  shiftsim::quant::write_framed_file(path, "SHSIMQNT", 1, payload);
  shiftsim::fuzz::expect_input_error_or_success([&] { (void)shiftsim::quant::load_quantized_network(path); });
  shiftsim::quant::write_framed_file(path, "SHSIMFLT", 1, payload);
  shiftsim::fuzz::expect_input_error_or_success([&] { (void)shiftsim::quant::load_float_network(path); });
  return 0;
}
