// Action counts per pass; docs/ENERGY.md "What is counted" gives the same rules in prose.
// Widths and per-unit LUT/FF counts come from the resource model (models/resources/resources.h), so
// an action costs what the block that performs it is made of.
#include "models/energy/activity.h"

#include <algorithm>
#include <memory>

#include "models/int_math.h"
#include "models/pe_array/array_kind.h"
#include "models/pe_array/pe_array_resources.h"
#include "models/pe_array/sequencer_resources.h"
#include "models/resources/resources.h"
#include "models/pe_array/weight_layout.h"
#include "models/recurrent/register_file.h"
#include "models/recurrent/vector_unit_resources.h"

namespace shiftsim::models {

namespace {

Actions& at(ComponentActions& a, Component c) { return a[size_t(c)]; }

}  // namespace

// Per-unit sizes, from the resource model's structure under the chosen DSP counting: under
// the synthesis count each lane's Tn k^2 products meet in one LUT adder tree; under the
// n-BQ-NN count each convolver's k^2 products meet in k DSP48E2s and the lane's LUT tree adds
// the Tn convolver sums (docs/RESOURCES.md "Counting"). The energy follows the structure the
// report counts.
struct ActivityCounter::Sizes {
  uint32_t tm, tn, k, k2, act, w, acc, lane_acc, product_bits;
  const ArrayKindModel* kind;
  bool convolver_dsps;     // n-BQ-NN count: the convolver's reduction is in DSPs
  uint32_t convolver_sum_bits;
  Resources product, tree;
  WindowShape window;      // the window generator's pieces (models/pe_array/pe_array_resources.h)
  Actions sequencer_issue; // what one conv issue loads and advances in the issue sequencer
  Resources ppu_value;     // one PPU lane, which handles one value per cycle
  LanePart act_lane;       // the recurrent unit's activation lane
  ElementwiseParts ew;     // and its element-wise lane's pieces
  RegisterFile rf;         // and its register file's memories
};

namespace {
// What one conv issue toggles in the issue sequencer (rtl/cu_top.v; widths from
// sequencer_resources.h). Per issue the pixel counter and the column counter (or, at a row's
// end, the row counter) advance, with the window origin's offset, quotient and residue along
// that axis (offset + stride, quotient + stride div k + carry, residue + stride mod k and its
// wrap by -k): an increment or adder and a next-value select a bit, and the register. The
// issue's registered outputs take the pixel, y and x (two adders, c + o), rows, cols and four
// flags; the hazard history the pixel and its valid bit. The issue's pixel and five flags shift
// through the D - 1 pipeline stages before the accumulate stage (and a valid bit a stage); the
// entry read and the retire register the pixel and their flags. The compares of the last pixel,
// the last column and the hazard (32-bit equal) and the issue's single-LUT conditions evaluate.
// The piece, step, tile and preload pointers advance once a round or a step (every Tr x Tc
// issues or fewer often) and are left out.
Actions sequencer_issue_actions(const ArchSpec& a) {
  using Q = SequencerShape;
  const SequencerShape q = sequencer_shape(a);
  // The registers that advance: pixel, column (or row), the axis' offset, quotient and residue.
  const double pointer_bits = 2.0 * Q::word + 2.0 * Q::coord + Q::small;
  Actions x;
  // Their increments and adders, the residue's wrap, and the issue's y and x.
  x.lut_add_bits = pointer_bits + Q::small + 2.0 * Q::coord;
  // Their next-value selects, the three compares and the conditions.
  x.lut_logic = pointer_bits + 3.0 * equal_compare_luts(Q::word) + Q::conditions;
  x.ff_bits = pointer_bits;
  x.ff_bits += Q::word + 2.0 * Q::coord + 2.0 * Q::small + 4;  // the issue's outputs
  x.ff_bits += Q::word + 1;                                     // the hazard history
  x.ff_bits += double(q.depth - 1) * (Q::word + Q::stage_flags) + q.depth;  // the pipeline's control
  x.ff_bits += (Q::word + 2) + (Q::word + 4);  // the entry read and the retire
  return x;
}

ActivityCounter::Sizes sizes(const ArchSpec& a, DspCounting counting) {
  ActivityCounter::Sizes s{};
  const PeArraySpec& pe = a.pe_array;
  s.kind = &array_kind_model(a);
  s.tm = pe.lanes;
  s.tn = pe.vector;
  s.k = pe.kernel;
  s.k2 = pe.kernel * pe.kernel;
  s.act = a.numerics.act_bits;
  s.w = a.numerics.weight_bits;
  s.acc = a.numerics.acc_bits;
  s.product_bits = s.kind->product_bits(a.numerics);
  s.product = s.kind->product(a.numerics, pe.product_stages);
  s.convolver_dsps = counting == DspCounting::nbqnn_paper;
  s.convolver_sum_bits = s.product_bits + clog2(s.k2);
  s.tree = s.convolver_dsps
               ? adder_tree(s.tn, s.convolver_sum_bits, false)
               : adder_tree(s.tn * s.k2, s.product_bits, s.kind->product_register_in_fabric(pe.product_stages));
  s.lane_acc = std::max(s.acc, s.convolver_dsps ? adder_tree_bits(s.tn, s.convolver_sum_bits)
                                                : adder_tree_bits(s.tn * s.k2, s.product_bits));
  s.window = window_shape(a);
  s.sequencer_issue = sequencer_issue_actions(a);
  s.ppu_value = ppu_lane(s.acc, 0, s.act, a.ppu.latency_cycles);
  s.act_lane = activation_lane(a);
  s.ew = elementwise_parts(a);
  s.rf = register_file(a);
  return s;
}

}  // namespace

ActivityCounter::ActivityCounter(const ArchSpec& arch, DspCounting counting)
    : z_(std::make_unique<Sizes>(sizes(arch, counting))), weight_element_bits_(weight_element_bits(arch)),
      bus_bytes_(arch.dram.width_bytes) {}

ActivityCounter::~ActivityCounter() = default;

// `issues` issues of one step on mc lanes and nc elements: the PE array, the window unit, the
// issue sequencer, the input banks' reads and the accumulate stage's read and write of its Tm-entry word.
void ActivityCounter::conv_issues(double issues, uint32_t mc_lanes, uint32_t nc_elements, ComponentActions& a) const {
  const Sizes& z = *z_;
  const double mc = mc_lanes, nc = nc_elements;
  const double products = issues * mc * nc * z.k2;
  const double active = nc / z.tn;  // share of a lane's adder tree fed with data

  Actions& pe = at(a, Component::pe_array);
  z.kind->count_product(z.product, z.act, z.w, products, pe);
  // n-BQ-NN count: a convolver's k DSPs take its k^2 products and pass k - 1 partial sums
  // down their cascade, every operand bit priced as a DSP's.
  if (z.convolver_dsps)
    pe.dsp_operand_bits += issues * mc * nc * (double(z.k2) * z.product_bits + double(z.k - 1) * z.convolver_sum_bits);
  pe.lut_add_bits += issues * mc * active * z.tree.lut;
  pe.ff_bits += issues * mc * active * z.tree.ff;
  pe.lut_add_bits += issues * mc * z.lane_acc;  // accumulator add and register
  pe.ff_bits += issues * mc * z.lane_acc;

  // The window generator (window_shape): per issue the origin's quotient adders and the k row
  // and k column address words (adder and register a bit), the registered one-hot selects and
  // masks, and the rotation's multiplexers for the nc active elements' bits (no window
  // register: the bank RAMs' output registers hold the words, priced as their reads).
  const WindowShape& w = z.window;
  Actions& win = at(a, Component::window);
  const double elements = nc * z.k2;
  win.lut_add_bits += issues * (w.quotient_adder_bits + w.address_bits);
  win.ff_bits += issues * w.address_bits;
  win.lut_logic += issues * w.selects * w.select_luts;
  win.ff_bits += issues * w.selects;
  win.lut_logic += issues * elements * w.element_bits * w.rotation_luts_per_bit;
  win.lut_logic += issues * elements * w.element_extra.lut;  // the SVPE's shifted activation
  win.ff_bits += issues * elements * w.element_extra.ff;

  Actions& seq = at(a, Component::sequencer);
  seq.lut_add_bits += issues * z.sequencer_issue.lut_add_bits;
  seq.lut_logic += issues * z.sequencer_issue.lut_logic;
  seq.ff_bits += issues * z.sequencer_issue.ff_bits;

  // Block RAMs read whole words: k^2 banks of Tn activations per cycle, one Tm-accumulator
  // word read and written back per cycle.
  at(a, Component::input_buffer).bram_read_bits += issues * z.tn * z.k2 * z.act;
  Actions& ob = at(a, Component::output_buffer);
  ob.bram_read_bits += issues * z.tm * z.acc;
  ob.bram_write_bits += issues * z.tm * z.acc;
}

// One piece of the whole array read from the weight buffer (one word) into the shadow
// registers of mc x nc convolvers.
void ActivityCounter::weight_preload(uint32_t mc, uint32_t nc, ComponentActions& a) const {
  const Sizes& z = *z_;
  at(a, Component::pe_array).ff_bits += double(mc) * nc * z.k2 * z.w;
  at(a, Component::weight_buffer).bram_read_bits += double(z.tm) * z.tn * z.k2 * z.w;
}

void ActivityCounter::bias_registers(uint32_t mc, ComponentActions& a) const {
  at(a, Component::pe_array).ff_bits += double(mc) * z_->lane_acc;
}

void ActivityCounter::input_fill(double elements, ComponentActions& a) const {
  at(a, Component::input_buffer).bram_write_bits += elements * z_->act;
}

void ActivityCounter::weight_fill(uint32_t mc, uint32_t nc, uint32_t kernel, ComponentActions& a) const {
  at(a, Component::weight_buffer).bram_write_bits += double(mc) * nc * kernel * kernel * weight_element_bits_;
}

// A tile leaving through the PPU: the output buffer read once, one PPU evaluation per value.
void ActivityCounter::tile_out(const TilePlan& tile, ComponentActions& a) const {
  const Sizes& z = *z_;
  const double pixels = double(tile.nr) * tile.ncol, values = pixels * tile.mc;
  at(a, Component::output_buffer).bram_read_bits += pixels * z.tm * z.acc;
  Actions& ppu = at(a, Component::ppu);
  ppu.lut_logic += values * z.ppu_value.lut;
  ppu.ff_bits += values * z.ppu_value.ff;
}

// A pooling or element-wise tile on the pooling / element-wise unit (per lane, as the rough
// resource estimate of pool_eltwise builds it): its lanes, its reads of the input buffer and
// its writes of the output buffer.
void ActivityCounter::vector_tile(const Descriptor& d, const TilePlan& tile, ComponentActions& a) const {
  const Sizes& z = *z_;
  const double pixels = double(tile.nr) * tile.ncol, mc = tile.mc;
  Actions& pu = at(a, Component::pool_eltwise);
  Actions& in = at(a, Component::input_buffer);
  if (d.op == Op::eltwise) {
    if (d.inputs == 2) {
      pu.lut_logic += mc * pixels * 4.0 * z.act;     // two alignment shifts
      pu.lut_add_bits += mc * pixels * (z.act + 1);  // the add
    }
    pu.ff_bits += mc * pixels * (z.act + 8);
    in.bram_read_bits += double(d.inputs) * mc * pixels * z.act;
  } else {
    const double cycles = pixels * d.kernel * d.kernel;  // one window element per lane per cycle
    pu.lut_add_bits += mc * cycles * (z.act + 8);        // compare (max) or add (average)
    pu.ff_bits += mc * cycles * (z.act + 8);
    // Average pooling divides by K^2 as a multiply by an 18-bit reciprocal on the lane's DSP.
    if (d.op == Op::avgpool) pu.dsp_operand_bits += mc * pixels * (z.act + 8 + 18);
    in.bram_read_bits += mc * cycles * z.act;
  }
  at(a, Component::output_buffer).bram_write_bits += pixels * z.tm * z.acc;
}

// Every DRAM byte crosses the interconnect and one DMA engine's realigner (each bus bit a
// choice among the bus's bytes, lut6_for_inputs(bytes + log2 bytes) LUTs, and two registers:
// docs/RESOURCES.md "DMA"). The controller takes the descriptor into its LUTRAM, then per step
// its loop counters (twelve of 32 bits) and address generators (six of 48 bits) advance once.
void ActivityCounter::pass_overhead(double steps, double dram_bytes, ComponentActions& a) const {
  Actions& dma = at(a, Component::dma);
  dma.lut_logic += dram_bytes * 8 * lut6_for_inputs(bus_bytes_ + clog2(bus_bytes_));
  dma.ff_bits += dram_bytes * 8 * 2;
  at(a, Component::interconnect).interconnect_bytes += dram_bytes;
  at(a, Component::dram).dram_bytes += dram_bytes;
  Actions& ctl = at(a, Component::controller);
  ctl.ff_bits += kDescriptorBytes * 8.0;
  ctl.lut_add_bits += steps * (12 * 32 + 6 * 48);
  ctl.ff_bits += steps * (12 * 32 + 6 * 48);
}

namespace {

void add_part(Actions& x, const LanePart& p) {
  x.lut_logic += p.logic_luts;
  x.lut_add_bits += p.add_luts;
  x.ff_bits += p.ffs;
  x.dsp_operand_bits += p.dsp_operand_bits;
  x.bram_read_bits += p.rom_read_bits;
}

}  // namespace

// Every LUT and register of the lane takes new data once per element, as the PPU lane's per
// value; the ROM word is read whole.
void ActivityCounter::activation_element(ComponentActions& a) const {
  add_part(at(a, Component::activation), z_->act_lane);
}

// Only the pieces the operation feeds toggle: its terms' aligners and the adders between them,
// its products, the requantizer unless the sum is kept, 1 - z for a gru's h; the result register.
void ActivityCounter::elementwise_element(const ElementwiseUse& use, ComponentActions& a) const {
  const ElementwiseParts& p = z_->ew;
  Actions& x = at(a, Component::elementwise);
  add_part(x, p.term * use.terms);
  add_part(x, p.product * use.products);
  if (use.terms > 1) add_part(x, p.adder * (use.terms - 1));
  if (use.requantize) add_part(x, p.requantize);
  if (use.one_minus) add_part(x, p.one_minus);
  add_part(x, p.out_reg);
}

// A register-file element read or written: a block RAM's bits as the buffers' are priced; a
// LUTRAM's read is its data LUTs' outputs and the read register's bits, its write the stored
// bits (priced as register bits: no source gives a LUTRAM cell's write energy apart). Only the
// active lanes' slices count, as the vector units' lanes (each lane's slice has its own enable).
void ActivityCounter::regfile(RfMem m, double reads, double writes, ComponentActions& a) const {
  const RfMemory& r = z_->rf.mems[size_t(m)];
  Actions& x = at(a, Component::regfile);
  const double rb = reads * r.bits, wb = writes * r.bits * r.copies;
  if (r.block_ram) {
    x.bram_read_bits += rb;
    x.bram_write_bits += wb;
  } else {
    x.lut_logic += rb;
    x.ff_bits += rb + wb;
  }
}

const char* component_name(Component c) {
  static const char* names[kComponentCount] = {
      "pe_array", "window",       "sequencer",    "input_buffer", "weight_buffer", "output_buffer", "ppu",
      "pool_eltwise", "dma",      "controller",   "interconnect",  "activation",
      "elementwise", "regfile",   "dram"};
  return names[size_t(c)];
}

Actions& Actions::operator+=(const Actions& o) {
  dsp_operand_bits += o.dsp_operand_bits;
  lut_logic += o.lut_logic;
  lut_add_bits += o.lut_add_bits;
  ff_bits += o.ff_bits;
  bram_read_bits += o.bram_read_bits;
  bram_write_bits += o.bram_write_bits;
  interconnect_bytes += o.interconnect_bytes;
  dram_bytes += o.dram_bytes;
  return *this;
}

bool Actions::any() const {
  return dsp_operand_bits > 0 || lut_logic > 0 || lut_add_bits > 0 || ff_bits > 0 ||
         bram_read_bits > 0 || bram_write_bits > 0 || interconnect_bytes > 0 || dram_bytes > 0;
}

ComponentActions count_pass_actions(const ArchSpec& arch, DspCounting counting, const Descriptor& d,
                                    const LayerPlan& plan, const LayerStats& stats) {
  const ActivityCounter count(arch, counting);
  ComponentActions a{};
  const uint32_t inputs = d.op == Op::eltwise ? d.inputs : 1;
  for (const TilePlan& tile : plan.tiles) {
    for (uint32_t s = tile.first_step; s < tile.first_step + tile.steps; ++s) {
      const StepPlan& step = plan.steps[s];
      count.input_fill(double(step.window.elements()) * inputs, a);
      if (d.op != Op::conv) {
        count.vector_tile(d, tile, a);
        continue;
      }
      count.weight_fill(tile.mc, step.nc, d.kernel, a);
      if (step.loads_bias) count.bias_registers(tile.mc, a);
      for (uint32_t j = 0; j < plan.pieces; ++j) count.weight_preload(tile.mc, step.nc, a);
      count.conv_issues(double(tile.nr) * tile.ncol * plan.pieces, tile.mc, step.nc, a);
    }
    count.tile_out(tile, a);
  }
  count.pass_overhead(double(plan.steps.size()), double(stats.dram_read_bytes + stats.dram_write_bytes), a);
  return a;
}

}  // namespace shiftsim::models
