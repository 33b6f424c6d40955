#pragma once
// What one half of each on-chip buffer holds, in plain C++ (fast mode keeps these too; cycle
// mode's buffer modules, input_buffer.h, weight_buffer.h and output_buffer.h, hold two of each
// behind their ports). Each buffer is double-buffered: the load side fills one half while the
// compute side reads the other (docs/ARCHITECTURE.md §5).
#include <array>
#include <cstdint>
#include <vector>

#include "models/control/layer_plan.h"

namespace shiftsim::models {

// Input blocks, [ch][y][x] over the window, padding positions zero. Eltwise passes keep their
// second input right after the first.
struct InputHalf {
  Window window;
  std::vector<int16_t> data;
  int16_t* second() { return data.data() + window.elements(); }
  const int16_t* second() const { return data.data() + window.elements(); }
};

struct WeightHalf {
  std::vector<uint8_t> block;  // one weight block as stored in DRAM
  std::vector<int64_t> bias;   // bias registers of the tile's output channels
  uint32_t mc = 0, nc = 0;
};

struct OutputHalf {
  std::vector<int64_t> acc;   // [m][row][col] of the tile
  std::vector<int64_t> bias;  // cycle mode, conv: the tile's bias per lane, added by the PPU
};

}  // namespace shiftsim::models
