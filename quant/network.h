#pragma once
// The network IR: a list of layers in execution order, each reading earlier layers (or the
// network input), with shapes inferred on load. Batch 1, CHW.
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "quant/tensor.h"

namespace shiftsim::quant {

enum class LayerType { conv, fc, maxpool, avgpool, relu, add, concat, flatten };

const char* to_string(LayerType t);

// Index of the network input in Layer::inputs.
constexpr int kNetworkInput = -1;

struct Layer {
  std::string name;
  LayerType type = LayerType::conv;
  std::vector<int> inputs;  // indices of earlier layers, or kNetworkInput
  // conv: out_channels, kernel, stride, pad, groups; fc: out_features (= out_channels).
  // pools: kernel, stride, pad (avgpool counts padding in the divisor; maxpool ignores it).
  int out_channels = 0;
  int kernel = 1;
  int stride = 1;
  int pad = 0;
  int groups = 1;
  bool relu = false;  // conv, fc, add: ReLU fused at the output
  Shape in_shape;     // of inputs[0] (fc: as seen before flattening)
  Shape out_shape;    // inferred
};

struct Network {
  std::string name;
  Shape input;
  std::vector<Layer> layers;
  int index_of(const std::string& layer_name) const;  // -1 when absent
};

// Load and validate; errors are InputError naming the file and JSON path
// ("nets/x.json: layers[3].kernel: must be >= 1").
Network load_network(const std::string& path);
Network parse_network(const nlohmann::json& j, const std::string& file);

// Multiply-accumulates of one layer (conv/fc), 0 for the others.
int64_t layer_macs(const Layer& l);

}  // namespace shiftsim::quant
