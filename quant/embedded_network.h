#pragma once
// The network description inside a binary model file (float checkpoint, quantized model): its
// JSON text, so a file stays readable by the same loader and checks as configs/nets/*.json.
#include "quant/binfile.h"
#include "quant/network.h"

namespace shiftsim::quant {

void write_embedded_network(ByteWriter& w, const Network& net);

// Fails through `r` (naming the file) when the text does not parse; InputError from the
// network loader when it does not describe a valid network.
Network read_embedded_network(ByteReader& r);

}  // namespace shiftsim::quant
