#pragma once
// The compute unit's issue sequencer (docs/ARCHITECTURE.md §6-§7; rtl/cu_top.v builds it): the
// issue and preload pointers, the hazard check, the pipeline's control registers, the
// handshakes and the registered outputs to the buffers' ports. docs/RESOURCES.md "The compute
// unit's sequencer" gives each term's source.
#include "models/arch_spec.h"
#include "models/resources/resources.h"

namespace shiftsim::models {

Resources issue_sequencer(const ArchSpec& spec);

}  // namespace shiftsim::models
