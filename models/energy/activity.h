#pragma once
// What each component of the machine does in one pass (one descriptor): the actions the energy
// model (models/energy/energy.h) prices. Counted once per pass, at the pass's end, by the unit
// that ran its plan (the controller in cycle mode, the fast machine in fast mode) from that
// plan (models/control/layer_plan.h) and the pass's DRAM traffic (LayerStats), not per cycle:
// the plan fixes every step's shape, so counting it is exact and costs nothing in the
// simulation's hot path. The run returns the counts (SimResult::actions); the report prices
// them. Plain C++; docs/ENERGY.md explains each count.
//
// A component counts only what it does: lanes beyond a tile's output channels, elements beyond
// a step's input channels, padding cycles of short steps and a unit with no work in a pass
// count nothing (the PL has no clock gating, but idle datapaths do not toggle; the clock tree
// is not modelled, docs/ENERGY.md).
#include <array>
#include <cstddef>

#include "models/arch_spec.h"
#include "models/control/layer_plan.h"
#include "models/resources/resources.h"
#include "models/stats.h"
#include "models/control/program.h"

namespace shiftsim::models {

// Components as models/machine_resources.h names them, plus the DRAM outside the FPGA.
enum class Component : size_t {
  pe_array, window, input_buffer, weight_buffer, output_buffer, ppu, pool_eltwise, dma,
  controller, interconnect, dram,
};
constexpr size_t kComponentCount = 11;
const char* component_name(Component c);

// Counts of the priced actions. Doubles: sums over whole networks exceed 2^53 only beyond
// any run we make, and fractional shares (an adder tree's active part) are natural.
struct Actions {
  double dsp_operand_bits = 0;  // DSP48E2 multiply-adds, each weighted by its operand bits (a + w)
  double lut_logic = 0;         // LUT evaluations on new data: shifters, multiplexers, PPU logic
  double lut_add_bits = 0;      // adder bits (a LUT in front of the carry chain) per addition
  double ff_bits = 0;           // register bits loaded with new data
  double bram_read_bits = 0, bram_write_bits = 0;  // bits read from / written to block RAM words
  double interconnect_bytes = 0;  // bytes through the interconnect
  double dram_bytes = 0;          // bytes read from or written to DRAM

  Actions& operator+=(const Actions& o);
  bool any() const;
};

using ComponentActions = std::array<Actions, kComponentCount>;

// Actions of one pass: the descriptor as the controller decoded it, the plan it ran and the
// pass's statistics (DRAM bytes, including the descriptor fetch). `counting` chooses the
// structure priced: where the convolvers' adders are (docs/ENERGY.md).
ComponentActions count_pass_actions(const ArchSpec& arch, DspCounting counting, const Descriptor& d,
                                    const LayerPlan& plan, const LayerStats& stats);

}  // namespace shiftsim::models
