#pragma once
// A sequence network (embedding, lstm, gru, fc) in fixed point with a format of its own for
// every tensor: the weights W, R and P, the biases, each layer's input, the hidden and cell
// state, each gate's pre-activation and the sigmoid and tanh outputs, each with its own width
// (Rapuano et al.'s per-tensor post-training quantization). run_recurrent_golden defines its
// arithmetic, bit for bit (docs/QUANTIZATION.md, "Recurrent fixed point").
#include <cstdint>
#include <string>
#include <vector>

#include "quant/qnetwork.h"
#include "quant/tensor.h"

namespace shiftsim::quant {

// Integers of one tensor and their format: value = v * 2^-fmt.frac, v fits fmt.bits.
// kind pow2 (matrices only, recurrent_pow2.h): every v is 0 or +-2^s, stored as a code of
// code_bits bits; the footprint counts code_bits per value.
struct QTensor {
  FixedFormat fmt;
  std::vector<int32_t> v;
  WeightKind kind = WeightKind::fixed;
  int code_bits = 0;  // pow2 only
  int stored_bits() const { return kind == WeightKind::pow2 ? code_bits : fmt.bits; }
};

// The formats and integers of one layer.
//   embedding: `weights` is the table [vocab][dim]; its rows are the output, out = weights.fmt.
//   fc:        `weights` [out][in], `bias` [out]; out is the output format; relu if fused.
//   lstm/gru:  `weights` W, `recurrent` R, `peepholes` P, `bias` Wb then Rb (one format),
//              h0 and c0 (empty: zeros) in the hidden and cell formats; out = hidden.
struct RecurrentQLayer {
  QTensor weights, recurrent, peepholes, bias, h0, c0;
  FixedFormat out;  // output; for lstm/gru the hidden state h_t
  FixedFormat cell;
  std::vector<FixedFormat> gates;  // pre-activation of each gate block, ONNX order
  FixedFormat sigmoid_out, tanh_out;
  FixedFormat reset_product;  // gru with linear_before_reset: R_h h + Rb_h
};

struct RecurrentQuantizedNetwork {
  Network net;
  FixedFormat input;  // network input (token ids: frac 0)
  int acc_bits = 48;  // every accumulator saturates to this width (16..60)
  std::vector<RecurrentQLayer> layers;
};

// Widths and formats within the executor's limits: tensors 2..16 bits, fracs in [-16, 30],
// integers fitting their width, sizes matching the layers; layer types embedding, lstm, gru,
// fc. InputError "<where>: layer NAME: <tensor>: problem" otherwise.
void check_recurrent_network(const RecurrentQuantizedNetwork& qn, const std::string& where);

// Parameter memory (weights, biases, initial states at their widths) against float32.
struct RecurrentFootprint {
  int64_t float_bits = 0, quantized_bits = 0;
  double reduction() const { return float_bits ? 1.0 - double(quantized_bits) / double(float_bits) : 0.0; }
};
RecurrentFootprint recurrent_footprint(const RecurrentQuantizedNetwork& qn);

}  // namespace shiftsim::quant
