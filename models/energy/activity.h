#pragma once
// What each component of the machine does in one pass (one descriptor): the actions the energy
// model (models/energy/energy.h) prices. In cycle mode each unit counts its own as they happen
// (the compute unit its issues, preloads and bias loads, the load unit its buffer fills, the
// store unit the tiles through the PPU, the controller the descriptor, its loop counters and
// the pass's DRAM traffic), through an ActivityCounter; fast mode, fit and the sweeps' model
// engine count them from the pass's plan (count_pass_actions), so the two modes' counts are a
// check on each other. The run returns the counts (SimResult::actions); the report prices
// them. Plain C++; docs/ENERGY.md explains each count.
//
// A component counts only what it does: lanes beyond a tile's output channels, elements beyond
// a step's input channels, padding cycles of short steps and a unit with no work in a pass
// count nothing (the PL has no clock gating, but idle datapaths do not toggle; the clock tree
// is not modelled, docs/ENERGY.md).
#include <array>
#include <cstddef>
#include <memory>

#include "models/arch_spec.h"
#include "models/control/layer_plan.h"
#include "models/resources/resources.h"
#include "models/stats.h"
#include "models/control/program.h"

namespace shiftsim::models {

struct ElementwiseUse;  // models/recurrent/vector_unit_resources.h
enum class RfMem : uint32_t;  // models/recurrent/register_file.h

// Components as models/machine_resources.h names them, plus the DRAM outside the FPGA.
// The recurrent unit's activation and element-wise units and its register file count only in
// its passes (§11).
enum class Component : size_t {
  pe_array, window, sequencer, input_buffer, weight_buffer, output_buffer, ppu, pool_eltwise, dma,
  controller, interconnect, activation, elementwise, regfile, dram,
};
constexpr size_t kComponentCount = 15;
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

// The price list of one machine: what each event a unit sees adds to the components' actions.
class ActivityCounter {
 public:
  ActivityCounter(const ArchSpec& arch, DspCounting counting);
  ~ActivityCounter();
  // Compute unit: `issues` issues of one step on mc lanes and nc elements (products, adder
  // trees, accumulators, the window unit, the issue sequencer, the input banks' and the
  // accumulator word's reads and writes); one piece preloaded into mc x nc convolvers; a tile's bias registers; a
  // pooling or element-wise tile.
  void conv_issues(double issues, uint32_t mc, uint32_t nc, ComponentActions& a) const;
  void weight_preload(uint32_t mc, uint32_t nc, ComponentActions& a) const;
  void bias_registers(uint32_t mc, ComponentActions& a) const;
  void vector_tile(const Descriptor& d, const TilePlan& tile, ComponentActions& a) const;
  // Load unit: activations written into the input banks; a weight block of mc x nc kernels.
  void input_fill(double elements, ComponentActions& a) const;
  void weight_fill(uint32_t mc, uint32_t nc, uint32_t kernel, ComponentActions& a) const;
  // Store unit: a tile read out through the PPU.
  void tile_out(const TilePlan& tile, ComponentActions& a) const;
  // Controller: the descriptor, the loop counters of `steps` steps, the pass's DRAM bytes
  // through the DMA, the interconnect and the DRAM.
  void pass_overhead(double steps, double dram_bytes, ComponentActions& a) const;
  // Recurrent unit (§11): one element through an activation lane (sigmoid or tanh), and one
  // through an element-wise lane using the pieces `use` names.
  void activation_element(ComponentActions& a) const;
  void elementwise_element(const ElementwiseUse& use, ComponentActions& a) const;
  // The recurrent unit's register file: `reads` elements read from memory m and `writes`
  // written (into every copy), priced by how the memory is built (block RAM or LUTRAM).
  void regfile(RfMem m, double reads, double writes, ComponentActions& a) const;

  struct Sizes;

 private:
  std::unique_ptr<const Sizes> z_;
  uint32_t weight_element_bits_, bus_bytes_;
};

// Adds every component's actions of `b` to `a`.
inline void add_actions(ComponentActions& a, const ComponentActions& b) {
  for (size_t i = 0; i < kComponentCount; ++i) a[i] += b[i];
}

// Actions of one pass from its plan: the descriptor as the controller decoded it, the plan it ran and the
// pass's statistics (DRAM bytes, including the descriptor fetch). `counting` chooses the
// structure priced: where the convolvers' adders are (docs/ENERGY.md).
ComponentActions count_pass_actions(const ArchSpec& arch, DspCounting counting, const Descriptor& d,
                                    const LayerPlan& plan, const LayerStats& stats);

}  // namespace shiftsim::models
