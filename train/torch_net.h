#pragma once
// A quant::Network as a torch::nn::Module: every layer type of the IR (conv with groups, stride
// and padding; fc, which flattens its input; max/avg pooling incl. global; relu; add; concat;
// flatten; fused ReLU flags), with the IR's semantics:
//   maxpool: padding never wins (padded with -inf);
//   avgpool: padding counts as zero and the divisor is always K*K;
//   output sizes floor((H + 2P - K) / S) + 1.
// Parameters start from a FloatNetwork and are exported back to one in weights_gen.h's layouts
// (conv [out][in/groups][k][k], fc [out][in_features] in CHW order, bias per out channel).
// No batch norm: the IR's networks are trained as they are run.
//
// Torch headers are slow to compile: only train/*.cpp that need the module include this.
#include <vector>

#include <torch/torch.h>

#include "quant/weights_gen.h"

namespace shiftsim::train {

class TorchNetImpl : public torch::nn::Module {
 public:
  explicit TorchNetImpl(const quant::FloatNetwork& init);

  // x: [N, C, H, W] (the network input). Returns the last layer's output flattened to
  // [N, C*H*W]. `weights`, when given, holds per layer the weight tensor to use instead of the
  // parameter (the quantization-aware transforms); undefined entries use the parameter.
  torch::Tensor forward(const torch::Tensor& x, const std::vector<torch::Tensor>* weights = nullptr);

  const quant::Network& net() const { return net_; }
  // Indices of the conv/fc layers, in order.
  const std::vector<int>& weighted_layers() const { return weighted_; }
  // The parameters of layer i (conv/fc); undefined tensors for the other layers.
  torch::Tensor& weight(int i) { return weights_[size_t(i)]; }
  torch::Tensor& bias(int i) { return biases_[size_t(i)]; }

  // The current parameters (or `weights` where given and defined, as in forward).
  quant::FloatNetwork export_float(const std::vector<torch::Tensor>* weights = nullptr) const;
  // Overwrite the parameters from `f` (same network).
  void load_float(const quant::FloatNetwork& f);

 private:
  quant::Network net_;
  std::vector<int> weighted_;
  std::vector<torch::Tensor> weights_, biases_;
};
TORCH_MODULE(TorchNet);

// A tensor's values as a vector (contiguous float32 copy) and back (to `shape`).
std::vector<float> to_vector(const torch::Tensor& t);
torch::Tensor from_vector(const std::vector<float>& v, at::IntArrayRef shape);

}  // namespace shiftsim::train
