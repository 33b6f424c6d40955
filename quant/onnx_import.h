#pragma once
// ONNX import: a float ONNX model (Debian libonnx-dev's protobuf classes) -> FloatNetwork, the
// same network IR and float parameters that float checkpoints hold, so that `shiftsim quantize`
// and `shiftsim eval --float` take a .onnx file directly. docs/QUANTIZATION.md ("ONNX import")
// lists the operators and attribute values it maps and what it refuses.
//
// The IR runs one sample (CHW), so the leading dimension of the graph input is the batch: it may
// be 1, symbolic or any fixed N (exporters often fix the dummy input's batch), and the imported
// network describes one sample. Operators that would mix samples (Flatten axis 0 with N > 1,
// Gemm transA, Concat on axis 0, ...) are refused. The exception: a graph input read by LSTM/GRU
// with layout = 0 is time-major, [T, N, I], its batch on axis 1 (onnx_ops_recurrent.cpp).
//
// Everything a file can get wrong (unreadable or truncated protobuf, an unsupported operator or
// attribute value, missing or ill-shaped weights, shapes the IR cannot express) is an InputError
// naming the file and, where there is one, the node ("m.onnx: node \"conv1\" (Conv): attribute
// dilations = [2, 2]: ...").
#include <string>

#include "quant/weights_gen.h"

namespace onnx {
class ModelProto;
}

namespace shiftsim::quant {

struct OnnxImportOptions {
  // true: a BatchNormalization folds into the conv/fc before it where it can (bn_fold.h);
  // false: every one stays a layer of its own (a 1x1 depthwise conv), to see what folding saves.
  bool fold_batch_norm = true;
};

// Reads and imports the file at `path`.
FloatNetwork import_onnx(const std::string& path, const OnnxImportOptions& options = {});

// Imports an already parsed model; `where` names it in messages (tests build models in memory).
FloatNetwork import_onnx_model(const onnx::ModelProto& model, const std::string& where,
                               const OnnxImportOptions& options = {});

}  // namespace shiftsim::quant
