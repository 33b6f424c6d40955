#pragma once
// What the post-processing units are built from: the PPU's Tm lanes and the pooling /
// element-wise unit's (docs/RESOURCES.md "Other components"). Plain C++, no SystemC: fast
// mode and `fit` count without a simulation.
#include "models/arch_spec.h"
#include "models/resources/resources.h"

namespace shiftsim::models {

Resources ppu(const ArchSpec& spec);  // Tm PPU lanes
Resources pool_eltwise(const ArchSpec& spec);                          // Tm lanes

}  // namespace shiftsim::models
