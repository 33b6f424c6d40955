#include "train/batches.h"

#include <random>

#include "quant/image_input.h"

namespace shiftsim::train {

torch::Tensor pixel_table() {
  quant::ImageSet one;
  one.rows = 1;
  one.cols = 256;
  one.labels = {0};
  for (int p = 0; p < 256; ++p) one.pixels.push_back(uint8_t(p));
  quant::Tensor<float> t = quant::image_to_input(one, 0);
  return torch::tensor(t.data, torch::kFloat32);
}

Data to_data(const quant::ImageSet& s) {
  Data d;
  d.count = int64_t(s.count());
  d.rows = s.rows;
  d.cols = s.cols;
  const int64_t hw = int64_t(s.rows) * s.cols;
  d.pixels = torch::from_blob(const_cast<uint8_t*>(s.pixels.data()), {d.count, hw}, torch::kUInt8)
                 .clone();
  d.labels = torch::from_blob(const_cast<uint8_t*>(s.labels.data()), {d.count}, torch::kUInt8)
                 .to(torch::kInt64);
  return d;
}

torch::Tensor batch_input(const Data& d, const torch::Tensor& table, const torch::Tensor& idx) {
  torch::Tensor px = d.pixels.index_select(0, idx).to(torch::kInt64).reshape({-1});
  return table.index_select(0, px).reshape({idx.size(0), 1, d.rows, d.cols});
}

namespace {
// SplitMix64: (seed, epoch) -> an mt19937_64 seed.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
}  // namespace

// Fisher-Yates with our own index draw (std::shuffle's use of the engine is unspecified).
std::vector<int64_t> permutation(int64_t n, uint64_t seed, int epoch) {
  std::mt19937_64 rng(mix(mix(seed) ^ uint64_t(epoch)));
  std::vector<int64_t> p(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) p[size_t(i)] = i;
  for (int64_t i = n - 1; i > 0; --i) std::swap(p[size_t(i)], p[size_t(rng() % uint64_t(i + 1))]);
  return p;
}

}  // namespace shiftsim::train
