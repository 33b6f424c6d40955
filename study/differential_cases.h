#pragma once
// The differential test's cases: a small random network on a random machine, drawn from one
// seed. A case is exactly what `shiftsim run --arch BASE --net NET --set ... --seed SEED`
// runs, so any case replays in either mode from the command line.
#include <cstdint>
#include <string>
#include <vector>

#include "models/arch_spec.h"
#include "quant/network.h"
#include "study/differential_ranges.h"
#include "study/differential_tiling.h"

namespace shiftsim::sim {

struct DiffCase {
  uint64_t seed = 0;                  // draws the case, and the run's weights and input
  std::string base_arch;              // absolute path of the arch file the overrides apply to
  std::vector<std::string> sets;      // "path=value" overrides, in order
  std::string net_json;               // the network, as `shiftsim run --net` reads it
  std::string description;            // one line: the machine, its buffers, then the layers
  std::vector<quant::LayerType> kinds;  // layer types in network order
  models::ArrayKind array = models::ArrayKind::svpe;
  models::OverflowPolicy overflow = models::OverflowPolicy::saturate;
  uint32_t act_bits = 16;
  WorkEstimate work;                  // tiles, steps and the cycle estimate (differential_tiling.h)
};

// Draws refused before a case was accepted, by reason.
struct Rejections {
  uint64_t buffer = 0;  // a buffer below some pass's smallest tile: the mapper would refuse it
  uint64_t budget = 0;  // estimated cycles above CaseRanges::max_cycles
};

// Case `seed`: draws a machine, a network and buffers until they pass both checks of
// Rejections, counting the refusals there. arch_dir holds svpe_zcu102.json and vpe16_zcu102.json.
// Throws InputError when no draw fits the budget after many tries (the budget is too small),
// std::logic_error when a loader refuses what the generator drew (a generator bug).
DiffCase draw_case(uint64_t seed, const CaseRanges& ranges, const std::string& arch_dir,
                   Rejections& rejected);

}  // namespace shiftsim::sim
