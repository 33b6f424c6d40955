#pragma once
// The float forward pass of a FloatNetwork: the golden executor's layer semantics (golden.h) in
// float, for float accuracy, activation-range calibration and the quantizers' checks. Plain C++.
//   conv/fc  y = bias + sum(x * w) (float accumulation), ReLU if fused. fc reads its input
//            flattened in CHW order; a per-step fc each of its T rows.
//   maxpool  max over the window positions inside the input (padding ignored).
//   avgpool  sum over the window, padding counted as zero, divided by K*K.
//   add      a + b, ReLU if fused.  concat: channels in input order.  relu: max(x, 0).
//   flatten  the same data, shape (C*H*W, 1, 1).
//   lstm, gru, embedding: float_recurrent.h.
#include <vector>

#include "quant/tensor.h"
#include "quant/weights_gen.h"

namespace shiftsim::quant {

// Every layer's output. InputError when the input shape differs from the network's or the
// parameters do not match the layers (check_float_network).
std::vector<Tensor<float>> run_float(const FloatNetwork& f, const Tensor<float>& input);

// One layer, its inputs in Layer::inputs order (no checks beyond shapes).
Tensor<float> run_float_layer(const Layer& l, const FloatLayerParams& p,
                              const std::vector<const Tensor<float>*>& inputs);

}  // namespace shiftsim::quant
