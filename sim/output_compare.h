#pragma once
// The bit-exactness check of every run: each layer's output as the simulator wrote it against
// the golden executor's, element for element. CNN runs compare int16 tensors, sequence runs
// int32 ones (their formats are per tensor); the rule is the same.
#include <vector>

#include "quant/tensor.h"

namespace shiftsim::sim {

struct LayerComparison {
  std::vector<bool> layer_exact;  // per layer
  bool all = true;                // every layer
};

// `sim` and `golden` list the layers in the same order; a layer missing on either side differs.
template <class T>
LayerComparison compare_layers(const std::vector<quant::Tensor<T>>& sim, const std::vector<quant::Tensor<T>>& golden) {
  LayerComparison c;
  for (size_t i = 0; i < sim.size(); ++i) {
    const bool same = i < golden.size() && sim[i].data == golden[i].data;
    c.layer_exact.push_back(same);
    c.all = c.all && same;
  }
  c.all = c.all && sim.size() == golden.size();
  return c;
}

}  // namespace shiftsim::sim
