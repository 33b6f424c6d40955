#pragma once
// Post-training width search for sequence networks, per tensor: every tensor starts at 16 bits
// and, one at a time, takes the smallest width at which the caller's loss (accuracy lost,
// perplexity gained, output error: whatever the caller measures on its data) stays within the
// tolerance (docs/QUANTIZATION.md, "Recurrent width search").
#include <functional>
#include <string>
#include <vector>

#include "quant/recurrent_quantize.h"

namespace shiftsim::quant {

using RecurrentLoss = std::function<double(const RecurrentQuantizedNetwork&)>;

struct RecurrentSearchOptions {
  double tolerance = 0.01;  // loss allowed
  int min_bits = 2, max_bits = 16;
  int input_bits = 16;      // the network input keeps this width
  int acc_bits = 48;
  bool pow2_matrices = false;  // W, R, fc weights in power of two: searched in 2..min(5, max_bits)
};

struct RecurrentSearchResult {
  RecurrentQuantOptions widths;  // the chosen width of every tensor
  RecurrentQuantizedNetwork qn;
  double loss = 0;
  bool met = false;  // loss <= tolerance (false only when the widest formats already miss it)
  RecurrentFootprint footprint;
  int evaluations = 0;
  std::vector<std::string> order;  // the tensors in the order they were decided, "l.recurrent"
};

// Parameter tensors first, largest first (they are the memory), then the activation tensors in
// layer order (hidden, cell, each gate, sigmoid/tanh outputs, reset product, fc outputs). Each
// takes the smallest width in [min_bits, max_bits] that a binary search finds passing with the
// widths decided so far (the search assumes the loss shrinks as bits grow; the configuration
// returned is the last one measured to pass).
RecurrentSearchResult search_recurrent_widths(const FloatNetwork& f,
                                              const RecurrentCalibration& cal,
                                              const RecurrentLoss& loss,
                                              const RecurrentSearchOptions& s);

// A loss for tests and tools without labels: the largest |golden - float| over the network
// outputs of `inputs`.
RecurrentLoss output_error_loss(const FloatNetwork& f, const std::vector<Tensor<float>>& inputs);

}  // namespace shiftsim::quant
