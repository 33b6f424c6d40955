#pragma once
// What the three double buffers are built from: BRAM36 (or URAM288) blocks (docs/RESOURCES.md
// "Buffers"). Plain C++, no SystemC: fast mode and `fit` count without a simulation.
#include "models/arch_spec.h"
#include "models/resources/resources.h"

namespace shiftsim::models {

// Each buffer is two halves of buffers.*_kib (docs/ARCHITECTURE.md §5).
Resources input_buffer(const ArchSpec& spec, const ResourceOptions& opt = {});   // k x k banks
Resources weight_buffer(const ArchSpec& spec, const ResourceOptions& opt = {});  // an array weight set wide
Resources output_buffer(const ArchSpec& spec, const ResourceOptions& opt = {});  // Tm entries wide

}  // namespace shiftsim::models
