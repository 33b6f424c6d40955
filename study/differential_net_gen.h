#pragma once
// Random small networks for the differential test, as the JSON `shiftsim run --net` reads.
#include <string>
#include <vector>

#include "quant/network.h"
#include "study/differential_ranges.h"
#include "study/differential_rng.h"

namespace shiftsim::sim {

struct DrawnNetwork {
  std::string text;           // the JSON, one layer a line, keys in the loader's order
  quant::Network net;         // the same, parsed (shapes inferred)
  std::string description;    // "in 5x9x9; l0 conv 12 K3 S1 P1 g1 relu; l1 add(l0,input)"
};

// One network of 1..ranges.max_layers layers of any kind. Every layer is checked by the
// network loader as it is added; a refusal is a generator bug (std::logic_error).
DrawnNetwork draw_network(CaseRng& rng, const CaseRanges& ranges, const std::string& name);

}  // namespace shiftsim::sim
