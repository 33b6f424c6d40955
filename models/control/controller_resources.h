#pragma once
// What the controller is built from (docs/RESOURCES.md "Other components": a rough estimate).
// Plain C++, no SystemC: fast mode and `fit` count without a simulation.
#include "models/arch_spec.h"
#include "models/resources/resources.h"

namespace shiftsim::models {

// Host registers, the descriptor, loop counters and address generators.
Resources controller(const ArchSpec& spec);

}  // namespace shiftsim::models
