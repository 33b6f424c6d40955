#pragma once
// What the recurrent unit's matrix-vector products cost in activity (docs/ENERGY.md), one
// definition that both simulation modes count through where their events happen: a row tile's
// blocks written into the weight store, and one issue on the array.
#include <cstdint>

#include "models/arch_spec.h"
#include "models/energy/activity.h"
#include "models/pe_array/weight_layout.h"
#include "models/recurrent/recurrent_layer.h"

namespace shiftsim::models {

// Row tile mt's blocks (every column chunk) written into the weight store: once a layer when
// its weights are resident, every step when they are streamed.
void count_tile_fill(const ActivityCounter& count, const RecurrentHeader& h, const WeightLayout& W,
                     const ArchSpec& arch, uint32_t mt, ComponentActions& a);
// One issue of block b: its convolvers' products and adder trees, the block's read into their
// registers, and with the row tile's last column chunk its sums into the register file.
void count_mvm_issue(const ActivityCounter& count, bool recurrent, const BlockSize& b, bool last_chunk,
                     ComponentActions& a);

}  // namespace shiftsim::models
