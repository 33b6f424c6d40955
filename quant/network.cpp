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
    case LayerType::lstm: return "lstm";
    case LayerType::gru: return "gru";
    case LayerType::embedding: return "embedding";
  }
  return "?";
}

bool is_recurrent(LayerType t) { return t == LayerType::lstm || t == LayerType::gru; }

const char* to_string(Direction d) { return d == Direction::forward ? "forward" : "reverse"; }

void refuse_sequence_layers(const Network& net, const std::string& what) {
  for (const Layer& l : net.layers)
    if (is_recurrent(l.type) || l.type == LayerType::embedding || l.per_step)
      throw InputError(what + ": layer " + l.name + " (" + (l.per_step ? "per-step fc" : to_string(l.type)) +
                       "): sequence layers are not taken here; the recurrent fixed-point flow "
                       "(docs/QUANTIZATION.md, \"Recurrent layers\") quantizes and runs them");
}

int gate_count(LayerType t) {
  return t == LayerType::lstm ? 4 : t == LayerType::gru ? 3 : 0;
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
      return int64_t(l.out_channels) * l.in_shape.elements();  // per step: T * out * F, the same
    case LayerType::lstm:
    case LayerType::gru:
      return int64_t(l.in_shape.c) * gate_count(l.type) * l.rnn.hidden_size *
             (int64_t(l.rnn.input_size) + l.rnn.hidden_size);
    default:
      return 0;
  }
}

Network load_network(const std::string& path) { return parse_network(read_json_file(path), path); }

}  // namespace shiftsim::quant
