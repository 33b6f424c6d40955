#pragma once
// Top-1 accuracy on an image set (Fashion-MNIST): a QuantizedNetwork through the golden executor
// (the numbers the accelerator would produce) or a FloatNetwork through float_exec. Images are
// preprocessed as image_input.h; the quantized path then applies quantize_input with the network's
// input format. The prediction is the argmax of the last layer's output (ties: lowest index).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "quant/idx.h"
#include "quant/qnetwork.h"
#include "quant/weights_gen.h"

namespace shiftsim::quant {

struct EvalResult {
  size_t correct = 0, total = 0;
  double accuracy() const { return total ? double(correct) / double(total) : 0.0; }
};

// Index of the largest value, the lowest index among equals; -1 for an empty range.
template <class T>
int argmax(const std::vector<T>& v) {
  int best = v.empty() ? -1 : 0;
  for (size_t i = 1; i < v.size(); ++i)
    if (v[i] > v[size_t(best)]) best = int(i);
  return best;
}

// InputError unless `net` fits the images: input 1 x rows x cols, and the last layer has at
// least max(label) + 1 outputs.
void check_classifier(const Network& net, const ImageSet& set);

// `limit` > 0 evaluates the first `limit` images; `threads` images run in parallel (the result
// does not depend on it).
EvalResult evaluate_quantized(const QuantizedNetwork& qn, const ImageSet& set, size_t limit = 0,
                              int threads = 2);
EvalResult evaluate_float(const FloatNetwork& f, const ImageSet& set, size_t limit = 0,
                          int threads = 2);

}  // namespace shiftsim::quant
