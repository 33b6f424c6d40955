#pragma once
// The network IR as the JSON that parse_network reads (quant/network_json.cpp).
#include <nlohmann/json.hpp>

#include "quant/network.h"

namespace shiftsim::quant {

// parse_network(network_to_json(n), f) reproduces n (names, types, wiring, sizes, shapes).
nlohmann::json network_to_json(const Network& net);

}  // namespace shiftsim::quant
