#include "train/torch_net.h"

#include <limits>
#include <stdexcept>
#include <string>

#include "common/input_error.h"

namespace shiftsim::train {

namespace F = torch::nn::functional;
using quant::Layer;
using quant::LayerType;

namespace {

std::vector<int64_t> weight_shape(const Layer& l) {
  if (l.type == LayerType::conv)
    return {l.out_channels, l.in_shape.c / l.groups, l.kernel, l.kernel};
  return {l.out_channels, l.in_shape.elements()};
}

torch::Tensor pad_hw(const torch::Tensor& x, int pad, double value) {
  if (pad == 0) return x;
  return torch::constant_pad_nd(x, {pad, pad, pad, pad}, value);
}

}  // namespace

std::vector<float> to_vector(const torch::Tensor& t) {
  torch::Tensor c = t.detach().to(torch::kFloat32).contiguous();
  const float* p = c.data_ptr<float>();
  return std::vector<float>(p, p + c.numel());
}

torch::Tensor from_vector(const std::vector<float>& v, at::IntArrayRef shape) {
  return torch::from_blob(const_cast<float*>(v.data()), {int64_t(v.size())}, torch::kFloat32)
      .clone()
      .reshape(shape);
}

TorchNetImpl::TorchNetImpl(const quant::FloatNetwork& init) : net_(init.net) {
  const size_t n = net_.layers.size();
  if (init.params.size() != n)
    throw InputError("network " + net_.name + ": " + std::to_string(init.params.size()) +
                     " parameter sets for " + std::to_string(n) + " layers");
  weights_.resize(n);
  biases_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const Layer& l = net_.layers[i];
    if (l.type != LayerType::conv && l.type != LayerType::fc) continue;
    weighted_.push_back(int(i));
    weights_[i] = register_parameter("w" + std::to_string(i), torch::zeros(weight_shape(l)));
    biases_[i] = register_parameter("b" + std::to_string(i), torch::zeros({l.out_channels}));
  }
  load_float(init);
}

void TorchNetImpl::load_float(const quant::FloatNetwork& f) {
  torch::NoGradGuard no_grad;
  for (int i : weighted_) {
    const Layer& l = net_.layers[size_t(i)];
    const quant::FloatLayerParams& p = f.params[size_t(i)];
    if (int64_t(p.weights.size()) != quant::weight_count(l) ||
        int64_t(p.bias.size()) != l.out_channels)
      throw InputError("layer " + l.name + ": parameter counts do not match the network");
    weights_[size_t(i)].copy_(from_vector(p.weights, weight_shape(l)));
    biases_[size_t(i)].copy_(from_vector(p.bias, {l.out_channels}));
  }
}

quant::FloatNetwork TorchNetImpl::export_float(const std::vector<torch::Tensor>* weights) const {
  quant::FloatNetwork f{net_, std::vector<quant::FloatLayerParams>(net_.layers.size())};
  for (int i : weighted_) {
    const size_t k = size_t(i);
    const bool over = weights && k < weights->size() && (*weights)[k].defined();
    f.params[k].weights = to_vector(over ? (*weights)[k] : weights_[k]);
    f.params[k].bias = to_vector(biases_[k]);
  }
  return f;
}

torch::Tensor TorchNetImpl::forward(const torch::Tensor& x,
                                    const std::vector<torch::Tensor>* weights) {
  const quant::Shape& s = net_.input;
  if (x.dim() != 4 || x.size(1) != s.c || x.size(2) != s.h || x.size(3) != s.w)
    throw std::invalid_argument("TorchNet::forward: input must be [N, " + s.str() + "]");
  std::vector<torch::Tensor> out(net_.layers.size());
  auto input = [&](const Layer& l, size_t k) -> const torch::Tensor& {
    const int idx = l.inputs[k];
    return idx == quant::kNetworkInput ? x : out[size_t(idx)];
  };
  for (size_t i = 0; i < net_.layers.size(); ++i) {
    const Layer& l = net_.layers[i];
    const torch::Tensor& a = input(l, 0);
    torch::Tensor w = weights_[i];
    if (weights && i < weights->size() && (*weights)[i].defined()) w = (*weights)[i];
    torch::Tensor y;
    switch (l.type) {
      case LayerType::conv:
        y = F::conv2d(a, w, F::Conv2dFuncOptions()
                                .bias(biases_[i])
                                .stride(l.stride)
                                .padding(l.pad)
                                .groups(l.groups));
        break;
      case LayerType::fc:
        y = F::linear(a.flatten(1), w, biases_[i]).reshape({-1, l.out_channels, 1, 1});
        break;
      case LayerType::maxpool:
        y = F::max_pool2d(pad_hw(a, l.pad, -std::numeric_limits<double>::infinity()),
                          F::MaxPool2dFuncOptions(l.kernel).stride(l.stride));
        break;
      case LayerType::avgpool:
        y = F::avg_pool2d(pad_hw(a, l.pad, 0.0), F::AvgPool2dFuncOptions(l.kernel).stride(l.stride));
        break;
      case LayerType::relu: y = torch::relu(a); break;
      case LayerType::add: y = a + input(l, 1); break;
      case LayerType::concat: {
        std::vector<torch::Tensor> parts;
        for (size_t k = 0; k < l.inputs.size(); ++k) parts.push_back(input(l, k));
        y = torch::cat(parts, 1);
        break;
      }
      case LayerType::flatten: y = a.flatten(1).reshape({-1, int64_t(l.in_shape.elements()), 1, 1}); break;
      case LayerType::lstm:
      case LayerType::gru:
      case LayerType::embedding:
        throw std::invalid_argument("layer " + l.name + ": training does not cover sequence layers yet");
    }
    if (l.relu) y = torch::relu(y);
    out[i] = y;
  }
  return out.back().flatten(1);
}

}  // namespace shiftsim::train
