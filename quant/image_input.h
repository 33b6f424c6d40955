#pragma once
// How a data-set image becomes a network input: the one preprocessing shared by training
// (train/), evaluation through the golden executor and the simulator's runs.
#include "quant/idx.h"
#include "quant/tensor.h"

namespace shiftsim::quant {

// 1 x rows x cols, x = (pixel / 255 - 0.5) / 0.5, in [-1, 1].
inline Tensor<float> image_to_input(const ImageSet& set, size_t i) {
  Tensor<float> t(Shape{1, set.rows, set.cols});
  const uint8_t* px = set.image(i);
  for (size_t k = 0; k < t.data.size(); ++k) t.data[k] = (float(px[k]) / 255.0f - 0.5f) / 0.5f;
  return t;
}

}  // namespace shiftsim::quant
