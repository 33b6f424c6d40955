#pragma once
// `shiftsim eval --model MODEL | --float CKPT [--limit N]`: top-1 accuracy on the Fashion-MNIST
// test set, of a quantized model through the golden executor (what the accelerator computes)
// or of a float network through the float forward pass.
#include <cstddef>
#include <string>

#include "quant/idx.h"

namespace shiftsim::sim {

struct EvalRequest {
  std::string model_path;  // --model: quantized-model file
  std::string float_path;  // --float: float checkpoint (exactly one of the two)
  size_t limit = 0;        // --limit: first N test images; 0 = all 10,000
  int threads = 2;
  bool fold_batch_norm = true;  // --no-bn-fold (ONNX only)
  std::string data_dir = quant::kFashionMnistDir;
};

// Prints "<file>: accuracy 85.12% (8512 / 10000 Fashion-MNIST test images) ...". Returns the
// exit code (0); bad input throws InputError.
int eval_command(const EvalRequest& req);

}  // namespace shiftsim::sim
