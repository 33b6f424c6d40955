// FPGA resources, the calibrated building blocks (adder tree, accumulator, PPU lane), the
// memories and the device check; each block of the machine counts itself from them beside
// its model (the *_resources.cpp files in models/pe_array/, buffers/, postproc/, memory/,
// control/). The products are the array kinds' (models/pe_array/svpe_kind.cpp, vpe_kind.cpp).
// docs/RESOURCES.md explains every formula and gives its source; the comments here name the
// source of each constant. "Yosys-calibrated" means fitted to or checked against Yosys 0.23
// `synth_xilinx -family xcup` on tests/resources/*.v (the test tests/models/test_resources.cpp
// re-runs that synthesis and holds the model within 20%).
#include "models/resources/resources.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

#include "models/resources/resources_detail.h"

namespace shiftsim::models {

using namespace resource_detail;

// ---- building blocks ----------------------------------------------------------------------

uint32_t lut6_for_inputs(uint32_t inputs) {
  if (inputs <= kLutInputs) return 1;
  return 1 + uint32_t(ceil_div(inputs - kLutInputs, kLutInputs - 1));
}

uint32_t adder_tree_bits(uint32_t inputs, uint32_t width) { return width + clog2(inputs); }

Resources adder_tree(uint32_t inputs, uint32_t width, bool inputs_registered) {
  require(inputs >= 1 && width >= 1, "adder tree needs inputs and width >= 1");
  // Structure of adder_tree.v: level l adds pairs of level l-1 elements, each sum one bit
  // wider (W + l) and registered; the odd last element passes through a register.
  // Costs (UltraScale CLB, UG574; Yosys-checked, exact at every measured point):
  //   an adder of (W + l - 1)-bit inputs: one LUT per input bit in front of the carry chain,
  //     W + l output FFs;
  //   a pass-through register: one FF per distinct bit (sign-extension copies merge);
  //   a chain of >= 3 registers with nothing else between them (the element's own register
  //     and its pass-throughs) becomes SRLs: one LUT per bit per 32 stages, no FFs.
  struct Element {
    uint32_t bits;   // distinct bits of the value
    uint32_t chain;  // fabric registers in a row holding it, ending at this level
    bool counted;    // whether its first register's FFs are already in r.ff
  };
  Resources r;
  std::vector<Element> level(inputs, Element{width, inputs_registered ? 1u : 0u, inputs_registered});
  const auto settle = [&r](const Element& e) {
    // The element is consumed: cost its register chain.
    const uint32_t passes = e.chain - (e.counted ? 1 : 0);
    if (e.chain >= kSrlMinChain) {
      r.lut += double(e.bits) * double(ceil_div(e.chain, kSrlDepth));
      if (e.counted) r.ff -= e.bits;  // the first register went into the SRL too
    } else {
      r.ff += double(e.bits) * passes;
    }
  };
  for (uint32_t l = 1; level.size() > 1; ++l) {
    const uint32_t wp = width + l - 1;  // slot width of level l-1
    std::vector<Element> next;
    for (size_t i = 0; 2 * i < level.size(); ++i) {
      if (2 * i + 1 < level.size()) {
        settle(level[2 * i]);
        settle(level[2 * i + 1]);
        r.lut += wp;
        r.ff += wp + 1;
        next.push_back(Element{wp + 1, 1, true});
      } else {
        Element e = level[2 * i];
        ++e.chain;
        next.push_back(e);
      }
    }
    level.swap(next);
  }
  // The output (an adder's register unless inputs == 1) leaves the tree: nothing to settle;
  // a single input passes through untouched.
  return r;
}

Resources accumulator(uint32_t width) {
  // accumulator.v: acc <= acc_in + x, x sign-extended: one LUT per bit in front of the carry
  // chain and a width-bit register (UG574; Yosys: exactly this at 16, 32 and 48 bits).
  Resources r;
  r.lut = width;
  r.ff = width;
  return r;
}

Resources ppu_lane(uint32_t acc_bits, uint32_t guard_bits, uint32_t act_bits, uint32_t latency) {
  // ppu.latency_cycles may be 0 (the arch config allows it: a PPU that answers in the cycle
  // it is given a value); its registers then shrink to the floor below, the output register.
  Resources r;
  // Yosys-calibrated on ppu_lane.v at (acc, guard, act) = (48, 0, 16), (32, 0, 8) and
  // (48, 8, 16), (24, 4, 8): LUT = 31 + 8.25 acc + 1.6 guard, within 3% at all four. The bulk is
  // the 6-bit right shift (three LUT levels of 4:1 multiplexers per bit), the rounding
  // adder and the two clamps.
  r.lut = 31 + 8.25 * acc_bits + 1.6 * guard_bits;
  // Registers of ppu_lane.v's four stages: acc, acc+1, acc+1 and act bits, plus the shift
  // amount and flags travelling along (6 + 6 + 3 bits). Another latency adds or removes
  // acc + 1 bits per stage.
  const double value_regs = double(acc_bits) + 2.0 * (acc_bits + 1) + act_bits + 15;
  r.ff = std::max(double(act_bits), value_regs + (double(latency) - 4) * (acc_bits + 1));
  return r;
}

// ---- memories -----------------------------------------------------------------------------

double bram36_for(uint64_t width_bits, uint64_t depth) {
  if (width_bits == 0 || depth == 0) return 0;
  // UG573 (UltraScale Architecture Memory Resources): RAMB36E2 widths x depths, 512 x 72 in
  // simple dual port; RAMB18E2 half the depth, 512 x 36 at most in simple dual port. A RAMB18
  // counts 0.5. Columns of blocks side by side, each column one configuration, chosen to
  // minimise the count (a dynamic program over the width).
  struct Cfg {
    uint32_t width, depth;
    double cost;
  };
  static const Cfg cfgs[] = {
      {1, 32768, 1.0}, {2, 16384, 1.0}, {4, 8192, 1.0}, {9, 4096, 1.0},
      {18, 2048, 1.0}, {36, 1024, 1.0}, {72, 512, 1.0}, {1, 16384, 0.5},
      {2, 8192, 0.5},  {4, 4096, 0.5},  {9, 2048, 0.5}, {18, 1024, 0.5},
      {36, 512, 0.5}};
  std::vector<double> best(width_bits + 1, std::numeric_limits<double>::infinity());
  best[0] = 0;
  for (uint64_t w = 1; w <= width_bits; ++w)
    for (const Cfg& c : cfgs) {
      const uint64_t rest = w > c.width ? w - c.width : 0;
      best[w] = std::min(best[w], best[rest] + c.cost * double(ceil_div(depth, c.depth)));
    }
  return best[width_bits];
}

double uram_for(uint64_t width_bits, uint64_t depth) {
  if (width_bits == 0 || depth == 0) return 0;
  // UG573: URAM288 is 4K x 72, no other aspect ratio.
  return double(ceil_div(width_bits, 72) * ceil_div(depth, 4096));
}

// ---- the device check ---------------------------------------------------------------------

}  // namespace shiftsim::models
