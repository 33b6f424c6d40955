// The small, format-independent parts of the network IR. Parsing lives in network_json.cpp,
// shape rules in shape_inference.cpp.
#include "quant/network.h"

#include "common/json_reader.h"

namespace shiftsim::quant {

const char* to_string(LayerType t) {
  switch (t) {
    case LayerType::conv: return "conv";
    case LayerType::fc: return "fc";
    case LayerType::maxpool: return "maxpool";
    case LayerType::avgpool: return "avgpool";
    case LayerType::relu: return "relu";
    case LayerType::add: return "add";
    case LayerType::concat: return "concat";
    case LayerType::flatten: return "flatten";
  }
  return "?";
}

int Network::index_of(const std::string& layer_name) const {
  for (size_t i = 0; i < layers.size(); ++i)
    if (layers[i].name == layer_name) return int(i);
  return -1;
}

int64_t layer_macs(const Layer& l) {
  switch (l.type) {
    case LayerType::conv:
      // Each output value reads (C / groups) * K * K inputs.
      return l.out_shape.elements() * (l.in_shape.c / l.groups) * int64_t(l.kernel) * l.kernel;
    case LayerType::fc:
      return int64_t(l.out_channels) * l.in_shape.elements();
    default:
      return 0;
  }
}

Network load_network(const std::string& path) { return parse_network(read_json_file(path), path); }

}  // namespace shiftsim::quant
