#pragma once
// What the mapper's own tiling rule (models::choose_tiles, models::plan_layer) says about a drawn
// case before anything is quantized: the buffer sizes that matter, whether the mapper would
// refuse the case, and roughly how many cycles it will take.
#include <cstdint>
#include <vector>

#include "models/arch_spec.h"
#include "models/control/program.h"
#include "quant/network.h"

namespace shiftsim::sim {

// For one buffer (the others unbounded): the least KiB in which every pass's smallest tile fits,
// and the least in which every pass's whole output is a single tile. Sizes between the two
// change the tiling; below the first the mapper refuses the network.
struct BufferBounds {
  uint32_t smallest_tile_kib = 1, whole_layer_kib = 1;
};
BufferBounds buffer_bounds(const std::vector<models::Descriptor>& passes, models::ArchSpec arch,
                           uint32_t models::BufferSpec::*buffer);

// Chooses every pass's tiles as the mapper will; false when a pass's smallest tile does not fit
// (the mapper would refuse the network with an InputError).
bool choose_all_tiles(std::vector<models::Descriptor>& passes, const models::ArchSpec& arch);

// The work of tiled passes. `cycles` is a budget figure, not a timing model: each step takes the
// longer of its compute and its load, each tile adds its drain and store, each pass its fetch,
// the run the host's register accesses.
struct WorkEstimate {
  uint64_t cycles = 0, tiles = 0, steps = 0;
  uint64_t multi_tile_passes = 0;  // passes of more than one tile
  uint64_t row_tiled_passes = 0;   // tiles of whole rows, fewer than the output's
  uint64_t column_tiled_passes = 0;  // tiles of part of a row
  uint64_t multi_step_tiles = 0;   // tiles of more than one step
};
WorkEstimate estimate_work(const std::vector<models::Descriptor>& passes, const models::ArchSpec& arch);

}  // namespace shiftsim::sim
