#pragma once
// Cycle counts of a network's passes on an architecture, for `shiftsim fit`: fast mode's
// timing (models/fast/fast_timing.h) run on shapes alone, without weights or data, so it
// gives the simulator's per-layer cycles exactly; tests/sim/test_fit.cpp checks that against
// `shiftsim run`. Plus the lower bounds that let the search skip shapes.
#include <cstdint>
#include <string>
#include <vector>

#include "models/arch_spec.h"
#include "study/fit_passes.h"

namespace shiftsim::sim {

struct NetworkCycles {
  std::string problem;                 // non-empty: a layer does not fit the buffers (why)
  std::vector<uint64_t> layer_cycles;  // per network layer (sum of its passes)
  std::vector<uint32_t> tile_rows, tile_cols;  // per pass, as choose_tiles picked them
  uint64_t total = 0;                  // every layer + the host's 7 register accesses
  uint64_t conv_cycles = 0;            // layers of type conv (the fit's objective)
  uint64_t conv_macs = 0;
  uint64_t macs = 0;                   // every layer's (timed layers only when conv_only)
};

// `conv_only`: time only the conv layers (the objective). A layer's cycles do not depend on
// the layers before it: its fetch always pays the DRAM latency (the read channel went idle
// at the previous layer's last load, before its last store) and so does its first store, so
// skipping the others changes no conv layer's count. The other figures are then partial.
NetworkCycles network_cycles(const std::vector<FitPass>& passes, size_t layers,
                             const models::ArchSpec& arch, bool conv_only = false);

// One pass alone, already tiled (desc.tile_rows / tile_cols set), from idle DRAM channels:
// the cycles from its descriptor fetch to its last store. By the independence above this is
// its count inside any network; the search memoises it per (pass, tiles).
uint64_t pass_cycles(const FitPass& tiled, const models::ArchSpec& arch);

// Tiles every pass (choose_tiles) and returns the first refusal, or "" when all fit. Cheap:
// the fit uses it to tell buffer sizes apart before timing them.
std::string tile_passes(std::vector<FitPass>& passes, const models::ArchSpec& arch);

// A lower bound on the conv layers' cycles (and so on the whole network's), independent of buffer sizes: each step issues
// at least its tile's pixels x pieces, and the tiles of one (group, m, n) block cover the
// output plane once.
uint64_t conv_cycles_lower_bound(const std::vector<FitPass>& passes, const models::ArchSpec& arch);

// A lower bound on every pass's cycles but the host's, independent of buffer sizes: for each
// conv or fc pass the larger of the issue bound above and its weights' data beats (every
// weight is read at least once, in bursts of at most one bus word per cycle); other passes 0.
uint64_t network_cycles_lower_bound(const std::vector<FitPass>& passes, const models::ArchSpec& arch);

}  // namespace shiftsim::sim
