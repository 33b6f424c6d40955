#pragma once
// The float forward pass of the sequence layers (lstm, gru, embedding) with ONNX's equations
// (docs/QUANTIZATION.md, "Recurrent layers"); float_exec.h dispatches to it. It can also record
// the range of every tensor the fixed-point executor gives a format of its own, for calibration.
#include <vector>

#include "quant/network.h"
#include "quant/tensor.h"
#include "quant/weights_gen.h"

namespace shiftsim::quant {

// max |x| of each tensor of a recurrent layer over the steps run so far.
struct RecurrentRanges {
  double input = 0;   // x_t
  double hidden = 0;  // h_t (and h0)
  double cell = 0;    // lstm c_t (and c0)
  // Each gate's pre-activation (W x + R h + biases (+ P c)), in ONNX gate order (lstm i, o, f,
  // c; gru z, r, h). gru with linear_before_reset: also the product R_h h + Rb_h, in `extra`.
  std::vector<double> gates;
  double extra = 0;
  void merge(const RecurrentRanges& o);
};

// lstm/gru over the T x F x 1 input; `ranges`, when given, is widened by what this run saw.
Tensor<float> run_float_recurrent(const Layer& l, const FloatLayerParams& p,
                                  const Tensor<float>& in, RecurrentRanges* ranges = nullptr);

// embedding: each step's id selects a row. Ids must be integers in [0, vocab_size); anything
// else is an InputError naming the layer, the step and the value.
Tensor<float> run_float_embedding(const Layer& l, const FloatLayerParams& p,
                                  const Tensor<float>& ids);

double sigmoid(double x);

}  // namespace shiftsim::quant
