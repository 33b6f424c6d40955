#pragma once
// Deterministic float weights and inputs, so that every run, test and sweep point sees the same
// numbers on every platform (std::mt19937_64 is fully specified; the conversion to [0, 1) is
// ours because std::uniform_real_distribution is implementation-defined).
#include <cstdint>
#include <vector>

#include "quant/network.h"
#include "quant/tensor.h"

namespace shiftsim::quant {

// conv weights: [out_channels][in_channels / groups][kernel][kernel];
// fc weights: [out_features][in_features] (in_features = C*H*W of the input; per step: H*W);
// embedding: [vocab_size][dim]; lstm/gru: W, R (and P) as network.h's RecurrentSpec says.
// Empty otherwise.
struct FloatLayerParams {
  std::vector<float> weights;
  std::vector<float> bias;  // conv/fc: one per output channel; lstm/gru: Wb, Rb (h0, c0)
};

struct FloatNetwork {
  Network net;
  std::vector<FloatLayerParams> params;  // one per net.layers
};

// Number of weights of a conv/fc/embedding/lstm/gru layer (0 for the others).
int64_t weight_count(const Layer& l);
// Number of biases: conv/fc out_channels, lstm/gru 2 * gates * hidden (+ the initial state),
// others 0.
int64_t bias_count(const Layer& l);

// Weights He-uniform U(-sqrt(6/fan_in), +sqrt(6/fan_in)) with fan_in = (C/groups)*K*K
// (fc: in_features); bias U(-0.1, 0.1). lstm/gru: weights and biases U(-1/sqrt(hidden),
// +1/sqrt(hidden)), PyTorch's initialisation; embedding: U(-1, 1). Layer i draws from its own stream seeded by (seed, i),
// so editing one layer does not change the weights of the others: its first kWeightBlock
// weights, then its biases. Each further block of kWeightBlock weights has a stream of its own,
// seeded by (seed, i, block), so that a large layer is generated on two threads.
constexpr size_t kWeightBlock = size_t(1) << 20;
FloatNetwork generate_weights(const Network& net, uint64_t seed);
// Layer i's parameters as generate_weights gives them, into `p` (its storage reused).
void generate_layer(const Network& net, uint64_t seed, size_t i, FloatLayerParams& p);

// Input values U(-1, 1), CHW order.
Tensor<float> generate_input(Shape shape, uint64_t seed);

// Uniform double in [0, 1) from one 64-bit draw: the top 53 bits times 2^-53.
double unit_interval(uint64_t bits);

}  // namespace shiftsim::quant
