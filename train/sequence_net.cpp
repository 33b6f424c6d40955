#include "train/sequence_net.h"

#include <string>

#include "common/input_error.h"
#include "train/torch_net.h"

namespace shiftsim::train {

using quant::Layer;
using quant::LayerType;

namespace {

// x [..., K] times w [O, K] transposed (+ b): a linear layer computed as a 1x1 convolution. Debian's
// libtorch sends float matrix products to the reference BLAS, but convolutions to oneDNN, which
// measured 7 times faster here for the language model's decoder (forward and backward).
torch::Tensor dense(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b = {}) {
  const int64_t K = x.size(-1), O = w.size(0);
  std::vector<int64_t> shape = x.sizes().vec();
  shape.back() = O;
  torch::Tensor y = torch::nn::functional::conv2d(
      x.reshape({-1, K, 1, 1}), w.view({O, K, 1, 1}),
      torch::nn::functional::Conv2dFuncOptions().bias(b));
  return y.view(shape);
}

}  // namespace

bool is_sequence_network(const quant::Network& net) {
  for (const Layer& l : net.layers)
    if (quant::is_recurrent(l.type) || l.type == LayerType::embedding) return true;
  return false;
}

SequenceNetImpl::SequenceNetImpl(const quant::FloatNetwork& init) : net_(init.net) {
  const size_t n = net_.layers.size();
  weights_.resize(n);
  biases_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const Layer& l = net_.layers[i];
    const std::string at = "sequence training: layer " + l.name + " (" + quant::to_string(l.type) + ")";
    if (l.inputs.size() != 1) throw InputError(at + ": must read exactly one earlier layer");
    switch (l.type) {
      case LayerType::embedding:
      case LayerType::fc:
      case LayerType::relu: break;
      case LayerType::lstm:
      case LayerType::gru:
        if (l.rnn.peepholes || l.rnn.initial_state)
          throw InputError(at + ": peepholes and initial states are not trained (import them from ONNX)");
        break;
      default: throw InputError(at + ": not a sequence layer (embedding, lstm, gru, fc, relu)");
    }
    const quant::FloatLayerParams& p = init.params.at(i);
    if (!p.weights.empty())
      weights_[i] = register_parameter("w" + std::to_string(i), from_vector(p.weights, {int64_t(p.weights.size())}));
    if (!p.bias.empty())
      biases_[i] = register_parameter("b" + std::to_string(i), from_vector(p.bias, {int64_t(p.bias.size())}));
  }
}

quant::FloatNetwork SequenceNetImpl::export_float() const {
  quant::FloatNetwork f{net_, std::vector<quant::FloatLayerParams>(net_.layers.size())};
  for (size_t i = 0; i < net_.layers.size(); ++i) {
    if (weights_[i].defined()) f.params[i].weights = to_vector(weights_[i]);
    if (biases_[i].defined()) f.params[i].bias = to_vector(biases_[i]);
  }
  return f;
}

// ONNX's lstm (gates i, o, f, c) and gru (z, r, h) over x [N, T, I]; [N, T, H] or [N, H, 1].
torch::Tensor SequenceNetImpl::recurrent(size_t i, const torch::Tensor& x) {
  const Layer& l = net_.layers[i];
  const int64_t G = quant::gate_count(l.type), H = l.rnn.hidden_size, I = l.rnn.input_size;
  const int64_t N = x.size(0), T = x.size(1);
  const torch::Tensor W = weights_[i].narrow(0, 0, G * H * I).view({G * H, I});
  const torch::Tensor R = weights_[i].narrow(0, G * H * I, G * H * H).view({G * H, H});
  const torch::Tensor Wb = biases_[i].narrow(0, 0, G * H), Rb = biases_[i].narrow(0, G * H, G * H);
  const bool lstm = l.type == LayerType::lstm;
  // The input's share of every step at once: one large product instead of T small ones.
  // gru: R_h's bias stays with R_h h (it is inside r's product with linear_before_reset).
  const torch::Tensor rb_in = lstm ? Rb : torch::constant_pad_nd(Rb.narrow(0, 0, 2 * H), {0, H});
  const torch::Tensor xw = dense(x, W) + Wb + rb_in;
  torch::Tensor h = torch::zeros({N, H}, x.options()), c = torch::zeros({N, H}, x.options());
  std::vector<torch::Tensor> ys(static_cast<size_t>(T));
  for (int64_t s = 0; s < T; ++s) {
    const int64_t t = l.rnn.direction == quant::Direction::forward ? s : T - 1 - s;
    const torch::Tensor a = xw.select(1, t);
    if (lstm) {
      const torch::Tensor g = a + dense(h, R);
      const auto q = g.chunk(4, 1);
      c = torch::sigmoid(q[2]) * c + torch::sigmoid(q[0]) * torch::tanh(q[3]);
      h = torch::sigmoid(q[1]) * torch::tanh(c);
    } else {
      const torch::Tensor Rzr = R.narrow(0, 0, 2 * H), Rh = R.narrow(0, 2 * H, H);
      const auto zr = (a.narrow(1, 0, 2 * H) + dense(h, Rzr)).sigmoid().chunk(2, 1);
      const torch::Tensor Rbh = Rb.narrow(0, 2 * H, H);
      const torch::Tensor cand =
          l.rnn.linear_before_reset
              ? torch::tanh(a.narrow(1, 2 * H, H) + zr[1] * (dense(h, Rh) + Rbh))
              : torch::tanh(a.narrow(1, 2 * H, H) + dense(zr[1] * h, Rh) + Rbh);
      h = (1 - zr[0]) * cand + zr[0] * h;
    }
    ys[size_t(t)] = h;
  }
  if (!l.rnn.sequence_output) return h.unsqueeze(2);
  return torch::stack(ys, 1);
}

torch::Tensor SequenceNetImpl::forward(const torch::Tensor& x, double dropout) {
  std::vector<torch::Tensor> out(net_.layers.size());
  for (size_t i = 0; i < net_.layers.size(); ++i) {
    const Layer& l = net_.layers[i];
    const int src = l.inputs[0];
    const torch::Tensor& a = src == quant::kNetworkInput ? x : out[size_t(src)];
    torch::Tensor y;
    switch (l.type) {
      case LayerType::embedding:
        y = torch::embedding(weights_[i].view({l.vocab_size, l.out_channels}),
                             a.reshape({a.size(0), -1}).to(torch::kInt64));
        break;
      case LayerType::fc: {
        const int64_t F = l.per_step ? a.size(2) : a.size(1) * a.size(2);
        const torch::Tensor w = weights_[i].view({l.out_channels, F});
        y = l.per_step ? dense(a, w, biases_[i]) : dense(a.reshape({a.size(0), F}), w, biases_[i]).unsqueeze(2);
        break;
      }
      case LayerType::relu: y = torch::relu(a); break;
      default: y = recurrent(i, a); break;
    }
    if (l.relu) y = torch::relu(y);
    if (dropout > 0 && is_training() && (l.type == LayerType::embedding || quant::is_recurrent(l.type)))
      y = torch::dropout(y, dropout, true);
    out[i] = y;
  }
  return out.back().reshape({x.size(0), -1});
}

}  // namespace shiftsim::train
