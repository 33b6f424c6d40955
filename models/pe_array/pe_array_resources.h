#pragma once
// What the PE array and the window generator that feeds it are built from: DSP48E2, LUT, FF
// (docs/RESOURCES.md "The PE array", "Other components"). Plain C++, no SystemC: fast mode
// and `fit` count without a simulation. The product is the array kind's (array_kind.h); the
// adder tree and accumulator are the calibrated blocks of models/resources/resources.h.
#include "models/arch_spec.h"
#include "models/resources/resources.h"

namespace shiftsim::models {

// One lane's datapath as svpe_lane.v / vpe_lane.v build it: Tn*k*k products, the adder tree
// and the accumulator (acc_bits + guard bits, at least the tree's output width).
Resources lane_datapath(const ArchSpec& spec, const ResourceOptions& opt = {});
// Tm lanes with their weight and bias registers.
Resources pe_array(const ArchSpec& spec, const ResourceOptions& opt = {});
// The window generator: the input banks' addresses and the rotation of their words into the
// Tn x k x k window the lanes share.
Resources window_unit(const ArchSpec& spec);

}  // namespace shiftsim::models
