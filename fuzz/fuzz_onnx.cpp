// An ONNX model's bytes, as import_onnx reads them: protobuf's parser, then the importer (graph
// walk, attributes, initializers, shape checks, batch-norm folding and the network check).
#include <onnx/onnx_pb.h>

#include "fuzz/fuzz_support.h"
#include "quant/onnx_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  onnx::ModelProto m;
  if (!m.ParseFromArray(data, int(size))) return 0;  // import_onnx refuses it with a message
  shiftsim::fuzz::expect_input_error_or_success([&] { (void)shiftsim::quant::import_onnx_model(m, "fuzz.onnx"); });
  // Batch norms kept as layers of their own take another path through the importer.
  shiftsim::quant::OnnxImportOptions keep_bn;
  keep_bn.fold_batch_norm = false;
  shiftsim::fuzz::expect_input_error_or_success([&] { (void)shiftsim::quant::import_onnx_model(m, "fuzz.onnx", keep_bn); });
  return 0;
}
