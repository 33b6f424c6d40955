#pragma once
// `shiftsim quantize`: post-training quantization of a float checkpoint for one architecture,
// written as a quantized-model file (quant/model_file.h).
//   shiftsim quantize --float CKPT --arch A.json --method nbq|gsnq|fixed [--bits N]
//                     [--thresholds authors|moments] [--calib-images N] [--first-last-bits B]
//                     [--search-tolerance PTS [--search-images N]] --out MODEL
#include <cstddef>
#include <string>
#include <vector>

#include "quant/idx.h"
#include "quant/weights_gen.h"

namespace shiftsim::sim {

struct QuantizeRequest {
  std::string float_path;             // --float: float checkpoint (ONNX: see load_float_model)
  std::string arch_path;              // --arch
  std::vector<std::string> sets;      // --set overrides of the arch
  std::string method = "nbq";         // --method nbq|gsnq|fixed (must suit the arch's array)
  int bits = 0;                       // --bits: weight bits; 0 = the arch's numerics.weight_bits
  std::string thresholds = "authors"; // --thresholds (nbq only)
  size_t calib_images = 256;          // --calib-images: first N Fashion-MNIST training images
  int first_last_bits = 0;            // --first-last-bits: first/last conv/fc in B-bit fixed point
  double search_tolerance = -1;       // --search-tolerance: accuracy points; < 0: no search
  size_t search_images = 2000;        // --search-images: held-out training images it measures on
  std::string out_path;               // --out
  bool fold_batch_norm = true;        // --no-bn-fold: ONNX batch norms stay layers of their own
  std::string data_dir = quant::kFashionMnistDir;
};

// The one place that turns a model path into a FloatNetwork: ".onnx" files through the ONNX
// importer (quant/onnx_import.h), anything else as a float checkpoint (quant/float_model.h), so
// every command that takes --float reads both.
// fold_batch_norm: ONNX BatchNormalization folds into the layer before it (see OnnxImportOptions).
quant::FloatNetwork load_float_model(const std::string& path, bool fold_batch_norm = true);

// Prints a per-layer summary and the memory footprint, writes `out_path` atomically. Returns the
// exit code (0); bad input throws InputError.
int quantize_command(const QuantizeRequest& req);

}  // namespace shiftsim::sim
