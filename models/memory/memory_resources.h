#pragma once
// What the on-chip side of the memory path is built from: the two DMA engines (load and
// store) and the interconnect (docs/RESOURCES.md "Other components"). The DRAM is off chip
// and costs nothing here. Plain C++, no SystemC: fast mode and `fit` count without a
// simulation.
#include "models/arch_spec.h"
#include "models/resources/resources.h"

namespace shiftsim::models {

Resources dma(const ArchSpec& spec);           // load + store engines
Resources interconnect(const ArchSpec& spec);  // arbiters and the DRAM channel's register slices

}  // namespace shiftsim::models
