#pragma once
// Batch-norm folding into the conv / fc layer before it (ONNX import, training export):
//   BN(y)_m = gamma_m * (y_m - mean_m) / sqrt(var_m + eps) + beta_m,   y = conv(x) + b
//   => w'_m = s_m * w_m,  b'_m = s_m * (b_m - mean_m) + beta_m,  s_m = gamma_m / sqrt(var_m + eps)
// computed in double and rounded once to float. A ReLU fused into the layer stays after the
// normalisation (conv -> BN -> ReLU folds to conv+ReLU).
#include <string>
#include <vector>

#include "quant/weights_gen.h"

namespace shiftsim::quant {

struct BatchNorm {
  std::vector<float> gamma, beta, mean, var;  // one per output channel
  double eps = 1e-5;
};

// Folds `bn` into `p` (the parameters of conv/fc layer `l`). InputError naming `where` and the
// layer for a layer of another type, sizes that differ from out_channels, eps < 0, var + eps <= 0
// or non-finite values.
void fold_batch_norm(const Layer& l, FloatLayerParams& p, const BatchNorm& bn,
                     const std::string& where);

}  // namespace shiftsim::quant
