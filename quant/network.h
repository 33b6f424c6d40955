#pragma once
// The network IR: a list of layers in execution order, each reading earlier layers (or the
// network input), with shapes inferred on load. Batch 1, CHW.
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "quant/tensor.h"

namespace shiftsim::quant {

enum class LayerType { conv, fc, maxpool, avgpool, relu, add, concat, flatten, lstm, gru, embedding };

const char* to_string(LayerType t);

// lstm and gru: they carry state from step to step, so the CNN quantizer, golden executor and
// accelerator mapper do not take them (quant/recurrent_fixed.h does).
bool is_recurrent(LayerType t);

// Which way a recurrent layer walks the steps. ONNX's "bidirectional" is refused on import.
enum class Direction { forward, reverse };
const char* to_string(Direction d);

// lstm and gru, with ONNX's semantics (docs/QUANTIZATION.md, "Recurrent layers"). A sequence is
// a tensor of T x F x 1: T steps (the channel axis), F = H*W features per step, so that one
// step's features are contiguous. Parameters (FloatLayerParams) are ONNX's, one direction:
//   weights = W [G*hidden][input_size], then R [G*hidden][hidden], then (lstm with peepholes)
//   P [3*hidden] in the order i, o, f;  bias = Wb [G*hidden], then Rb [G*hidden], then (with
//   initial_state) h0 [hidden] and, lstm, c0 [hidden]; without it both start at zero.
// Gate blocks are in ONNX's order: lstm i, o, f, c (G = 4); gru z, r, h (G = 3).
struct RecurrentSpec {
  int hidden_size = 0;
  int input_size = 0;  // features per step, F of the input
  Direction direction = Direction::forward;
  // true: every step's hidden state, T x hidden x 1 (ONNX Y); false: the last one, hidden x 1 x 1
  // (ONNX Y_h), what a classifier's fc reads.
  bool sequence_output = false;
  bool linear_before_reset = false;  // gru: r multiplies (R_h h + Rb_h) instead of h
  bool peepholes = false;            // lstm: the P input
  bool initial_state = false;        // h0 (and c0) are parameters, not zeros
};

// Gate blocks of a recurrent layer: 4 for lstm, 3 for gru, 0 otherwise.
int gate_count(LayerType t);

// Index of the network input in Layer::inputs.
constexpr int kNetworkInput = -1;

struct Layer {
  std::string name;
  LayerType type = LayerType::conv;
  std::vector<int> inputs;  // indices of earlier layers, or kNetworkInput
  // conv: out_channels, kernel, stride, pad, groups; fc: out_features (= out_channels);
  // embedding: the vector size (= out_channels).
  // pools: kernel, stride, pad (avgpool counts padding in the divisor; maxpool ignores it).
  int out_channels = 0;
  int kernel = 1;
  int stride = 1;
  int pad = 0;
  int groups = 1;
  bool relu = false;  // conv, fc, add: ReLU fused at the output
  // fc: the same weights [out_features][F] applied to every step of a T x F x 1 sequence
  // (F = H*W), giving T x out_features x 1: a language model's output layer. Sequence flow only.
  bool per_step = false;
  RecurrentSpec rnn;  // lstm, gru
  // embedding: reads T x 1 x 1 token ids in [0, vocab_size), writes T x out_channels x 1, one
  // row of its weights [vocab_size][out_channels] per step.
  int vocab_size = 0;
  Shape in_shape;     // of inputs[0] (fc: as seen before flattening)
  Shape out_shape;    // inferred
};

struct Network {
  std::string name;
  Shape input;
  std::vector<Layer> layers;
  int index_of(const std::string& layer_name) const;  // -1 when absent
};

// Load and validate; errors are InputError naming the file and JSON path
// ("nets/x.json: layers[3].kernel: must be >= 1").
Network load_network(const std::string& path);
Network parse_network(const nlohmann::json& j, const std::string& file);

// InputError "<what>: layer NAME (lstm): ..." when `net` has an lstm, gru, embedding or per-step
// fc layer:
// the CNN quantizers, golden executor and accelerator program take none (recurrent_fixed.h
// quantizes and runs those networks).
void refuse_sequence_layers(const Network& net, const std::string& what);

// Multiply-accumulates of one layer (conv/fc; lstm/gru: the gates' matrix-vector products over
// all steps), 0 for the others.
int64_t layer_macs(const Layer& l);

}  // namespace shiftsim::quant
