#pragma once
// Fashion-MNIST as Torch batches: the images kept as uint8, mapped through a 256-entry table with
// quant::image_to_input's exact float formula (so training sees the inputs the golden executor
// quantizes), and a seeded shuffle per epoch that does not depend on the standard library's
// std::shuffle.
#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "quant/idx.h"

namespace shiftsim::train {

// The images as uint8 [N, H*W] and the labels as int64 [N].
struct Data {
  torch::Tensor pixels, labels;
  int64_t count = 0;
  int rows = 0, cols = 0;
};

torch::Tensor pixel_table();
Data to_data(const quant::ImageSet& s);
// The images at `idx` as float [n, 1, H, W] through `table`.
torch::Tensor batch_input(const Data& d, const torch::Tensor& table, const torch::Tensor& idx);
// 0..n-1 shuffled, the same for a (seed, epoch) on every platform.
std::vector<int64_t> permutation(int64_t n, uint64_t seed, int epoch);

}  // namespace shiftsim::train
