#pragma once
// A sequence network of the IR (embedding, lstm, gru, fc and per-step fc, relu) as a
// torch::nn::Module, with ONNX's equations and parameter layouts (quant/network.h,
// "RecurrentSpec"), so that a trained network exports to a quant::FloatNetwork that the float
// executor and the golden executor read unchanged. The gates are written out in Torch ops rather
// than through torch::nn::LSTM/GRU, whose gate orders (i f g o; r z n) and GRU variant
// (linear_before_reset only) differ from ONNX's.
//
// Every tensor is [N, C, H*W], the IR's C x H x W without the split of H and W: a sequence is
// [N, T, F]; a token sequence [N, T, 1] of ids (as floats).
#include <vector>

#include <torch/torch.h>

#include "quant/weights_gen.h"

namespace shiftsim::train {

class SequenceNetImpl : public torch::nn::Module {
 public:
  // InputError for layers it cannot train: anything but embedding, lstm, gru, fc, relu, and lstm
  // peepholes or initial states.
  explicit SequenceNetImpl(const quant::FloatNetwork& init);

  // x: [N, C, H*W] of the network input. Returns the last layer's output as [N, elements].
  // `dropout` (training only) drops the outputs of embedding and recurrent layers.
  torch::Tensor forward(const torch::Tensor& x, double dropout = 0.0);

  quant::FloatNetwork export_float() const;
  const quant::Network& net() const { return net_; }

 private:
  torch::Tensor recurrent(size_t i, const torch::Tensor& x);
  quant::Network net_;
  std::vector<torch::Tensor> weights_, biases_;  // per layer, in quant/weights_gen.h's layouts
};
TORCH_MODULE(SequenceNet);

// Whether a network is one for the sequence trainer (it has an embedding, lstm or gru layer).
bool is_sequence_network(const quant::Network& net);

}  // namespace shiftsim::train
