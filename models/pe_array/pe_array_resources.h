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

// The window generator's pieces as rtl/cu_top.v builds them, stated once for the resource count
// (window_unit) and the energy model (models/energy/activity.cpp), which prices what each issue
// loads into them.
struct WindowShape {
  double quotient_adder_bits = 0;    // the origin's quotients + the piece's offset: 2 x 16-bit adders
  double address_bits = 0;           // k row and k column 16-bit words (adder and register a bit)
  double selects = 0;                // registered one-hot selects (2k^2) and extent masks (2k)
  double select_luts = 0;            // LUTs per select or mask (a compare of an 8-bit value)
  double rotation_luts_per_bit = 0;  // per window bit: two AND-OR k:1 multiplexers (0 for k = 1)
  double elements = 0;               // window elements, Tn k^2
  double element_bits = 0;           // bits per element (act_bits)
  Resources element_extra;           // per element, the array kind's extra (the SVPE's a << D)
};
WindowShape window_shape(const ArchSpec& spec);

}  // namespace shiftsim::models
