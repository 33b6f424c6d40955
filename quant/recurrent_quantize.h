#pragma once
// Post-training fixed-point quantization of sequence networks (embedding, lstm, gru, fc), per
// tensor: each tensor's width is given (RecurrentTensorBits), its frac is chosen from the float
// ranges measured on calibration data (docs/QUANTIZATION.md, "Recurrent fixed point").
#include <vector>

#include "quant/float_recurrent.h"
#include "quant/recurrent_qnetwork.h"

namespace shiftsim::quant {

// Widths (2..16) of one layer's tensors. fc uses weights, bias, out; embedding weights.
struct RecurrentTensorBits {
  int weights = 16, recurrent = 16, peepholes = 16, bias = 16;
  int out = 16;  // lstm/gru: the hidden state
  int cell = 16;
  std::vector<int> gates;  // one per gate block (ONNX order); empty: 16 each
  int sigmoid_out = 16, tanh_out = 16, reset_product = 16;
};

struct RecurrentQuantOptions {
  // lstm/gru W and R and fc weights in power of two (recurrent_pow2.h); their widths
  // (weights, recurrent) are then code bits, 2..5. Biases, tables and peepholes stay fixed point.
  bool pow2_matrices = false;
  int input_bits = 16;  // the network input, unless it is token ids (then 32 bits, frac 0)
  int acc_bits = 48;
  std::vector<RecurrentTensorBits> layers;  // empty (all 16) or one per layer
};

// Float ranges over a calibration set: max |x| of the network input and of every layer's
// output, and of the inner tensors of lstm/gru layers.
struct RecurrentCalibration {
  double input = 0;
  std::vector<double> outputs;
  std::vector<RecurrentRanges> recurrent;  // per layer (empty for the others)
};

// InputError for an empty set or inputs of the wrong shape.
RecurrentCalibration calibrate_recurrent(const FloatNetwork& f,
                                         const std::vector<Tensor<float>>& calib);

// Formats: frac = the largest that holds the range in the width (range_frac), clamped to
// [-16, 30]; gate pre-activations hold at most 16 (sigmoid) or 8 (tanh), where the activation
// is already at its limit; sigmoid and tanh outputs hold 1.0 (frac = bits - 2); h0/c0 and an
// embedding's output take the hidden, cell and table formats. InputError for bad widths and
// for layers the sequence executor does not take (check_recurrent_network).
RecurrentQuantizedNetwork quantize_recurrent(const FloatNetwork& f,
                                             const RecurrentCalibration& cal,
                                             const RecurrentQuantOptions& o);

}  // namespace shiftsim::quant
