#pragma once
// What the three double buffers are built from: BRAM36 (or URAM288) blocks (docs/RESOURCES.md
// "Buffers"). Plain C++, no SystemC: fast mode and `fit` count without a simulation.
#include "models/arch_spec.h"
#include "models/resources/resources.h"

namespace shiftsim::models {

// Each buffer is two halves of buffers.*_kib (docs/ARCHITECTURE.md §5).
// Input: k x k banks, each Tn activations wide.
Resources input_buffer(const ArchSpec& spec, const ResourceOptions& opt = {});
// Weights: one word holds the whole array's weight set (Tm Tn k^2 weights).
Resources weight_buffer(const ArchSpec& spec, const ResourceOptions& opt = {});
// Output: one word holds a pixel's Tm accumulator entries.
Resources output_buffer(const ArchSpec& spec, const ResourceOptions& opt = {});

}  // namespace shiftsim::models
