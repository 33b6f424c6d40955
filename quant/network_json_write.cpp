// IR -> network JSON, the inverse of parse_network: parse_network(network_to_json(n)) == n.
// Every layer names its inputs explicitly and every pool its kernel, stride and pad (a
// "global" pool is written as the equivalent explicit window).
#include <nlohmann/json.hpp>

#include "quant/network.h"
#include "quant/network_json_write.h"

namespace shiftsim::quant {

namespace {
nlohmann::json layer_to_json(const Network& net, const Layer& l) {
  nlohmann::json j;
  j["name"] = l.name;
  j["type"] = to_string(l.type);
  nlohmann::json inputs = nlohmann::json::array();
  for (int i : l.inputs) inputs.push_back(i == kNetworkInput ? std::string("input") : net.layers[size_t(i)].name);
  j["inputs"] = inputs;
  switch (l.type) {
    case LayerType::conv:
      j["out_channels"] = l.out_channels;
      j["kernel"] = l.kernel;
      j["stride"] = l.stride;
      j["pad"] = l.pad;
      j["groups"] = l.groups;
      j["relu"] = l.relu;
      break;
    case LayerType::fc:
      j["out_features"] = l.out_channels;
      j["relu"] = l.relu;
      if (l.per_step) j["per_step"] = true;  // absent otherwise: CNN files stay as they were
      break;
    case LayerType::maxpool:
    case LayerType::avgpool:
      j["kernel"] = l.kernel;
      j["stride"] = l.stride;
      j["pad"] = l.pad;
      break;
    case LayerType::add: j["relu"] = l.relu; break;
    case LayerType::relu:
    case LayerType::concat:
    case LayerType::flatten: break;
    case LayerType::lstm:
    case LayerType::gru:
      j["hidden_size"] = l.rnn.hidden_size;
      j["input_size"] = l.rnn.input_size;
      j["direction"] = to_string(l.rnn.direction);
      j["output"] = l.rnn.sequence_output ? "sequence" : "last";
      if (l.type == LayerType::gru) j["linear_before_reset"] = l.rnn.linear_before_reset;
      if (l.type == LayerType::lstm) j["peepholes"] = l.rnn.peepholes;
      j["initial_state"] = l.rnn.initial_state;
      break;
    case LayerType::embedding:
      j["vocab_size"] = l.vocab_size;
      j["dim"] = l.out_channels;
      break;
  }
  return j;
}
}  // namespace

nlohmann::json network_to_json(const Network& net) {
  nlohmann::json j;
  j["name"] = net.name;
  j["input"] = {{"shape", {net.input.c, net.input.h, net.input.w}}};
  nlohmann::json layers = nlohmann::json::array();
  for (const Layer& l : net.layers) layers.push_back(layer_to_json(net, l));
  j["layers"] = layers;
  return j;
}

}  // namespace shiftsim::quant
