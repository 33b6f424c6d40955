#pragma once
// Internal to the network JSON reader (network_json.cpp): the readers of layer kinds that have
// files of their own.
#include "common/json_reader.h"
#include "quant/network.h"

namespace shiftsim::quant {

// lstm / gru keys: hidden_size, input_size (optional, checked against the input), direction,
// output ("last" | "sequence"), linear_before_reset (gru), peepholes (lstm), initial_state.
void read_recurrent(JsonReader& r, Layer& l, const Shape& in);

// embedding keys: vocab_size, dim.
void read_embedding(JsonReader& r, Layer& l);

}  // namespace shiftsim::quant
