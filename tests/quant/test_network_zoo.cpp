// Every network in configs/nets/ loads, with the shapes and MAC counts worked out by hand
// (and cross-checked against the published totals: VGG-16 15.47 GMAC, ResNet-18 1.81 GMAC).
#include <catch2/catch.hpp>

#include "quant/network.h"
#include "quant_test_util.h"

using namespace shiftsim::quant;
using shiftsim::quant::test::zoo;

namespace {
int64_t total_macs(const Network& n, LayerType only, bool all = false) {
  int64_t s = 0;
  for (const auto& l : n.layers)
    if (all || l.type == only) s += layer_macs(l);
  return s;
}
Shape shape_of(const Network& n, const std::string& name) {
  int i = n.index_of(name);
  REQUIRE(i >= 0);
  return n.layers[size_t(i)].out_shape;
}
}  // namespace

TEST_CASE("tiny.json: wiring, defaults, shapes and MACs") {
  Network n = load_network(zoo("tiny"));
  CHECK(n.name == "tiny");
  CHECK(n.input == Shape{3, 32, 32});
  REQUIRE(n.layers.size() == 5);
  CHECK(n.layers[0].inputs == std::vector<int>{kNetworkInput});
  CHECK(n.layers[1].inputs == std::vector<int>{0});
  CHECK(n.layers[2].inputs == std::vector<int>{1, 0});
  CHECK(n.layers[0].relu);
  CHECK_FALSE(n.layers[1].relu);
  CHECK(n.layers[3].stride == 2);  // explicit
  CHECK(n.layers[4].out_channels == 10);
  CHECK(n.layers[4].in_shape == Shape{16, 16, 16});
  CHECK(n.layers[3].out_shape == Shape{16, 16, 16});
  CHECK(n.layers[4].out_shape == Shape{10, 1, 1});
  CHECK(layer_macs(n.layers[0]) == 16 * 32 * 32 * 3 * 9);
  CHECK(layer_macs(n.layers[1]) == 16 * 32 * 32 * 16 * 9);
  CHECK(layer_macs(n.layers[2]) == 0);
  CHECK(layer_macs(n.layers[4]) == 10 * 4096);
  CHECK(total_macs(n, LayerType::conv, true) == 2842624);
  CHECK(n.index_of("a1") == 2);
  CHECK(n.index_of("nope") == -1);
}

TEST_CASE("lenet5.json") {
  Network n = load_network(zoo("lenet5"));
  CHECK(n.layers.size() == 7);
  CHECK(shape_of(n, "conv1") == Shape{6, 28, 28});
  CHECK(shape_of(n, "pool1") == Shape{6, 14, 14});
  CHECK(shape_of(n, "conv2") == Shape{16, 10, 10});
  CHECK(shape_of(n, "pool2") == Shape{16, 5, 5});
  CHECK(shape_of(n, "fc3") == Shape{10, 1, 1});
  // 117600 + 240000 + 48000 + 10080 + 840
  CHECK(total_macs(n, LayerType::conv, true) == 416520);
}

TEST_CASE("alexnet.json: grouped convolutions, 665,784,864 conv MACs") {
  Network n = load_network(zoo("alexnet"));
  CHECK(n.input == Shape{3, 227, 227});
  CHECK(shape_of(n, "conv1") == Shape{96, 55, 55});
  CHECK(shape_of(n, "pool1") == Shape{96, 27, 27});
  CHECK(shape_of(n, "conv2") == Shape{256, 27, 27});
  CHECK(shape_of(n, "pool2") == Shape{256, 13, 13});
  CHECK(shape_of(n, "conv5") == Shape{256, 13, 13});
  CHECK(shape_of(n, "pool5") == Shape{256, 6, 6});
  CHECK(shape_of(n, "fc8") == Shape{1000, 1, 1});
  CHECK(layer_macs(n.layers[size_t(n.index_of("conv1"))]) == 105415200);
  CHECK(layer_macs(n.layers[size_t(n.index_of("conv2"))]) == 223948800);
  CHECK(layer_macs(n.layers[size_t(n.index_of("conv3"))]) == 149520384);
  CHECK(layer_macs(n.layers[size_t(n.index_of("conv4"))]) == 112140288);
  CHECK(layer_macs(n.layers[size_t(n.index_of("conv5"))]) == 74760192);
  CHECK(total_macs(n, LayerType::conv) == 665784864);
  CHECK(total_macs(n, LayerType::fc) == 9216LL * 4096 + 4096LL * 4096 + 4096LL * 1000);
}

TEST_CASE("vgg16.json: 13 convs, 15,470,264,320 MACs") {
  Network n = load_network(zoo("vgg16"));
  int convs = 0, pools = 0;
  for (const auto& l : n.layers) {
    convs += l.type == LayerType::conv;
    pools += l.type == LayerType::maxpool;
  }
  CHECK(convs == 13);
  CHECK(pools == 5);
  CHECK(shape_of(n, "conv1_2") == Shape{64, 224, 224});
  CHECK(shape_of(n, "pool5") == Shape{512, 7, 7});
  CHECK(total_macs(n, LayerType::conv) == 15346630656LL);
  CHECK(total_macs(n, LayerType::conv, true) == 15470264320LL);
}

TEST_CASE("resnet18.json: residual blocks, projections, global average pool") {
  Network n = load_network(zoo("resnet18"));
  CHECK(n.layers.size() == 31);
  CHECK(shape_of(n, "conv1") == Shape{64, 112, 112});
  CHECK(shape_of(n, "pool1") == Shape{64, 56, 56});
  CHECK(shape_of(n, "s1b2_add") == Shape{64, 56, 56});
  CHECK(shape_of(n, "s2b1_down") == Shape{128, 28, 28});
  CHECK(shape_of(n, "s4b2_add") == Shape{512, 7, 7});
  CHECK(shape_of(n, "avgpool") == Shape{512, 1, 1});
  const Layer& pool = n.layers[size_t(n.index_of("avgpool"))];
  CHECK(pool.kernel == 7);
  CHECK(pool.stride == 1);
  const Layer& add = n.layers[size_t(n.index_of("s2b1_add"))];
  CHECK(add.relu);
  CHECK(add.inputs == std::vector<int>{n.index_of("s2b1_conv2"), n.index_of("s2b1_down")});
  // Identity shortcut in stage 1: the add reads the block input directly.
  CHECK(n.layers[size_t(n.index_of("s1b1_add"))].inputs[1] == n.index_of("pool1"));
  CHECK(n.index_of("s1b1_down") == -1);
  CHECK(total_macs(n, LayerType::conv) == 1813561344LL);
  CHECK(total_macs(n, LayerType::conv, true) == 1814073344LL);
}

TEST_CASE("network parsing: defaults, input naming, concat, flatten, relu, avgpool") {
  Network n = shiftsim::quant::test::parse_text(R"({"name": "n", "input": {"shape": [4, 9, 9]},
    "layers": [
      {"name": "a", "type": "conv", "out_channels": 6, "kernel": 3, "stride": 2},
      {"name": "b", "type": "conv", "inputs": ["input"], "out_channels": 2, "kernel": 5,
       "stride": 2, "pad": 1, "groups": 2},
      {"name": "cat", "type": "concat", "inputs": ["a", "b"]},
      {"name": "r", "type": "relu"},
      {"name": "avg", "type": "avgpool", "kernel": 3, "pad": 1},
      {"name": "mp", "type": "maxpool", "kernel": 2, "inputs": ["r"]},
      {"name": "f", "type": "flatten"},
      {"name": "fc", "type": "fc", "out_features": 3, "relu": true}]})");
  const auto& L = n.layers;
  CHECK(L[0].stride == 2);
  CHECK(L[0].pad == 0);
  CHECK(L[0].groups == 1);
  CHECK_FALSE(L[0].relu);
  CHECK(L[0].out_shape == Shape{6, 4, 4});  // (9 - 3) / 2 + 1
  CHECK(L[1].inputs == std::vector<int>{kNetworkInput});
  CHECK(L[1].out_shape == Shape{2, 4, 4});  // (9 + 2 - 5) / 2 + 1
  CHECK(layer_macs(L[1]) == 2 * 16 * 2 * 25);
  CHECK(L[2].out_shape == Shape{8, 4, 4});
  CHECK(L[3].out_shape == Shape{8, 4, 4});
  CHECK(L[4].stride == 3);  // default = kernel
  CHECK(L[4].out_shape == Shape{8, 2, 2});  // (4 + 2 - 3) / 3 + 1
  CHECK(L[5].inputs == std::vector<int>{3});
  CHECK(L[5].out_shape == Shape{8, 2, 2});
  CHECK(L[6].out_shape == Shape{32, 1, 1});
  CHECK(L[7].in_shape == Shape{32, 1, 1});
  CHECK(L[7].out_shape == Shape{3, 1, 1});
  CHECK(layer_macs(L[7]) == 96);
  CHECK(std::string(to_string(LayerType::avgpool)) == "avgpool");
  CHECK(std::string(to_string(LayerType::concat)) == "concat");
  CHECK(Shape{3, 32, 1}.str() == "3x32x1");
}

TEST_CASE("network parsing: fc flattens any input shape") {
  Network n = shiftsim::quant::test::parse_text(R"({"name": "n", "input": {"shape": [2, 3, 5]},
    "layers": [{"name": "fc", "type": "fc", "out_features": 7}]})");
  CHECK(n.layers[0].in_shape == Shape{2, 3, 5});
  CHECK(layer_macs(n.layers[0]) == 7 * 30);
}
