#pragma once
// What a run measures, per pass and for the DRAM, in plain C++: both simulation modes fill
// these, the report reads them.
#include <cstdint>

namespace shiftsim::models {

struct LayerStats {
  uint32_t layer_id = 0;
  uint64_t start_cycle = 0, end_cycle = 0;
  uint64_t compute_cycles = 0;   // cycles the compute unit worked (issue, padding, drain)
  uint64_t stall_cycles = 0;     // cycles the compute unit waited for a load or a free output half
  uint64_t load_cycles = 0, store_cycles = 0;  // busy cycles of the two DMA units
  uint64_t dram_read_bytes = 0, dram_write_bytes = 0;
  uint64_t saturations = 0;
  uint32_t tiles = 0, steps = 0, tile_rows = 0, tile_cols = 0;
  double wall_seconds = 0;  // host time spent simulating this layer
};

// Adds what a unit counted in a pass (its cycles and saturations) to the pass's record.
inline void add_unit_counts(LayerStats& pass, const LayerStats& unit) {
  pass.compute_cycles += unit.compute_cycles;
  pass.stall_cycles += unit.stall_cycles;
  pass.load_cycles += unit.load_cycles;
  pass.store_cycles += unit.store_cycles;
  pass.saturations += unit.saturations;
}

struct DramStats {
  uint64_t read_bytes = 0, write_bytes = 0, read_bursts = 0, write_bursts = 0;
  // DDR4 only (docs/MEMORY.md): BL8 accesses by what their bank held, and refreshes issued
  // until the last request.
  uint64_t row_hits = 0, row_misses = 0, row_conflicts = 0, refreshes = 0;
};

}  // namespace shiftsim::models
