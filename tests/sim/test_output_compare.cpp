// The bit-exactness check every run makes (sim/output_compare.h): a single differing element
// marks its layer and the run, for CNN (int16) and sequence (int32) outputs alike.
#include <catch2/catch.hpp>

#include "sim/output_compare.h"

using namespace shiftsim;

namespace {

template <class T>
std::vector<quant::Tensor<T>> layers(std::initializer_list<std::vector<T>> values) {
  std::vector<quant::Tensor<T>> v;
  for (const std::vector<T>& d : values) {
    quant::Tensor<T> t;
    t.data = d;
    v.push_back(t);
  }
  return v;
}

}  // namespace

TEST_CASE("compare_layers: equal outputs pass, one differing element fails its layer and the run") {
  const auto golden = layers<int16_t>({{1, 2, 3}, {-4, 5}, {7}});
  const sim::LayerComparison same = sim::compare_layers(golden, golden);
  CHECK(same.all);
  CHECK(same.layer_exact == std::vector<bool>{true, true, true});
  auto sim_out = golden;
  sim_out[1].data[1] = 6;
  const sim::LayerComparison diff = sim::compare_layers(sim_out, golden);
  CHECK_FALSE(diff.all);
  CHECK(diff.layer_exact == std::vector<bool>{true, false, true});
}

TEST_CASE("compare_layers: sequence outputs, and a layer missing on either side differs") {
  const auto golden = layers<int32_t>({{100000, -3}, {0}});
  CHECK(sim::compare_layers(golden, golden).all);
  const auto shorter = layers<int32_t>({{100000, -3}});
  CHECK_FALSE(sim::compare_layers(shorter, golden).all);
  const sim::LayerComparison longer = sim::compare_layers(golden, shorter);
  CHECK_FALSE(longer.all);
  CHECK(longer.layer_exact == std::vector<bool>{true, false});
  const auto truncated = layers<int32_t>({{100000}, {0}});  // a shorter tensor is not equal
  CHECK(sim::compare_layers(truncated, golden).layer_exact == std::vector<bool>{false, true});
}
