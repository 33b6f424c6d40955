// FPGA resource model, the components of the accelerator and their total; the datapath
// building blocks and memories they are made of are in models/resources/resources_blocks.cpp.
// docs/RESOURCES.md explains every formula and gives its source; the comments here name the
// source of each constant. "Yosys-calibrated" means fitted to or checked against Yosys 0.23
// `synth_xilinx -family xcup` on tests/resources/*.v (the test tests/models/test_resources.cpp
// re-runs that synthesis and holds the model within 20%).
#include "models/resources/resources.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>

#include "models/pe_array/array_kind.h"
#include "models/resources/resources_detail.h"

namespace shiftsim::models {

using namespace resource_detail;

namespace {

void check_spec(const ArchSpec& s) {
  const PeArraySpec& pe = s.pe_array;
  require(pe.lanes >= 1 && pe.vector >= 1 && pe.kernel >= 1, "lanes, vector, kernel must be >= 1");
  require(s.numerics.act_bits >= 2 && s.numerics.act_bits <= 32, "act_bits must be 2..32");
  require(s.numerics.acc_bits >= 2 && s.numerics.acc_bits <= 64, "acc_bits must be 2..64");
  const ArrayKindModel& kind = array_kind_model(s);
  if (s.numerics.weight_bits < kind.min_weight_bits() || s.numerics.weight_bits > kind.max_weight_bits())
    throw std::invalid_argument(std::string("resource model: ") + kind.name() + " weight_bits must be " +
                                std::to_string(kind.min_weight_bits()) + ".." +
                                std::to_string(kind.max_weight_bits()) + ", got " +
                                std::to_string(s.numerics.weight_bits));
}

void memory(uint64_t width_bits, uint64_t depth, bool uram, Resources& r) {
  if (uram)
    r.uram += uram_for(width_bits, depth);
  else
    r.bram36 += bram36_for(width_bits, depth);
}

uint32_t act_bytes(const ArchSpec& s) { return s.numerics.act_bits <= 8 ? 1 : 2; }

uint32_t acc_width(const ArchSpec& s, const ResourceOptions& opt) {
  return s.numerics.acc_bits + opt.acc_guard_bits;
}

uint32_t product_bits(const ArchSpec& s) {
  return array_kind_model(s).product_bits(s.numerics.act_bits, s.numerics.weight_bits);
}

// Width of the adder tree's output: over Tn k^2 products (synthesis), or over Tn convolver
// sums of product + ceil(log2 k^2) bits (n-BQ-NN count).
uint32_t tree_out_bits(const ArchSpec& s, const ResourceOptions& opt) {
  const PeArraySpec& pe = s.pe_array;
  const uint32_t k2 = pe.kernel * pe.kernel;
  return opt.dsp_counting == DspCounting::synthesis
             ? adder_tree_bits(pe.vector * k2, product_bits(s))
             : adder_tree_bits(pe.vector, product_bits(s) + clog2(k2));
}

// The lane's accumulator: acc_bits + guard bits, at least the tree's output.
uint32_t lane_acc_bits(const ArchSpec& s, const ResourceOptions& opt) {
  return std::max(acc_width(s, opt), tree_out_bits(s, opt));
}

}  // namespace

// ---- components ---------------------------------------------------------------------------

Resources lane_datapath(const ArchSpec& spec, const ResourceOptions& opt) {
  check_spec(spec);
  const PeArraySpec& pe = spec.pe_array;
  const uint32_t a = spec.numerics.act_bits, w = spec.numerics.weight_bits;
  const uint32_t k2 = pe.kernel * pe.kernel;
  const uint32_t products = pe.vector * k2;
  const ArrayKindModel& kind = array_kind_model(spec);
  const uint32_t pw = product_bits(spec);
  const Resources product = kind.product(a, w, pe.product_stages);
  const bool fabric_regs = kind.product_register_in_fabric(pe.product_stages);

  Resources r = product * double(products);
  if (opt.dsp_counting == DspCounting::synthesis) {
    r += adder_tree(products, pw, fabric_regs);
  } else {
    // n-BQ-NN count: each convolver's k^2 -> 1 reduction sits in k DSPs (Eqs. 35 and 44);
    // the lane's tree then adds the Tn convolver sums.
    r.dsp += double(pe.kernel) * pe.vector;
    r += adder_tree(pe.vector, pw + clog2(k2), false);
  }
  r += accumulator(lane_acc_bits(spec, opt));
  return r;
}

Resources pe_array(const ArchSpec& spec, const ResourceOptions& opt) {
  check_spec(spec);
  const PeArraySpec& pe = spec.pe_array;
  const uint32_t products = pe.vector * pe.kernel * pe.kernel;
  Resources lane = lane_datapath(spec, opt);
  // Weight registers (docs/ARCHITECTURE.md §6: a convolver holds a piece's weights and loads
  // the next piece's into a second register set), in fabric FFs or inside the DSPs.
  lane.ff += products * array_kind_model(spec).weight_register_ffs(spec.numerics.weight_bits);
  // Bias: a tile's first step starts the accumulators at the bias (models/memory/load_store_units.cpp): one
  // acc-wide bias register per lane and a 2:1 multiplexer in front of the accumulator.
  const uint32_t acc = lane_acc_bits(spec, opt);
  lane.ff += acc;
  lane.lut += acc;
  return lane * double(pe.lanes);
}

Resources window_unit(const ArchSpec& spec) {
  check_spec(spec);
  const PeArraySpec& pe = spec.pe_array;
  const uint32_t k = pe.kernel, k2 = k * k, a = spec.numerics.act_bits;
  const double bits = double(pe.vector) * k2 * a;
  Resources r;
  // The input buffer's k x k banks (see input_buffer) hold a window's positions rotated by
  // the window's origin (y0 mod k, x0 mod k); two rotations (rows, then columns) of k:1
  // multiplexers put them in order: per window bit, two functions of k + ceil(log2 k)
  // inputs. Then one register per window bit, broadcast to all lanes. Per bank an address
  // generator (row and column counters, 2 x 16 bits). Structural estimate, not calibrated.
  if (k > 1) r.lut += 2.0 * lut6_for_inputs(k + clog2(k)) * bits;
  r.ff += bits;
  r.lut += 2.0 * 16 * k2;
  r.ff += 2.0 * 16 * k2;
  return r;
}

Resources input_buffer(const ArchSpec& spec, const ResourceOptions& opt) {
  check_spec(spec);
  const PeArraySpec& pe = spec.pe_array;
  const uint32_t k2 = pe.kernel * pe.kernel;
  // Choice (docs/RESOURCES.md "Buffers"): each half is k x k banks interleaved by
  // (y mod k, x mod k), each bank Tn activations wide, so that any k x k window at any
  // position and stride reads one word from each bank: Tn k^2 activations per cycle, the
  // window the array consumes each cycle (§6), without a line buffer.
  const uint64_t entries = uint64_t(spec.buffers.input_kib) * 1024 / act_bytes(spec);
  const uint64_t width = uint64_t(pe.vector) * spec.numerics.act_bits;
  const uint64_t depth = ceil_div(entries, uint64_t(pe.vector) * k2);
  Resources half;
  for (uint32_t b = 0; b < k2; ++b) memory(width, depth, opt.buffers_in_uram, half);
  return half * 2.0;
}

Resources weight_buffer(const ArchSpec& spec, const ResourceOptions& opt) {
  check_spec(spec);
  const PeArraySpec& pe = spec.pe_array;
  // A piece can be one cycle long (a 1 x 1 output tile) and its successor's weights load
  // during it (§6): the buffer reads a whole array's weight set, Tm Tn k^2 weights, per
  // cycle. SVPE weights are codes of weight_bits; VPE weights weight_bits wide.
  const uint64_t width =
      uint64_t(pe.lanes) * pe.vector * pe.kernel * pe.kernel * spec.numerics.weight_bits;
  const uint64_t depth = ceil_div(uint64_t(spec.buffers.weight_kib) * 1024 * 8, width);
  Resources half;
  memory(width, depth, opt.buffers_in_uram, half);
  return half * 2.0;
}

Resources output_buffer(const ArchSpec& spec, const ResourceOptions& opt) {
  check_spec(spec);
  // One word per output pixel holding all Tm lanes' accumulators (acc_bits + guard bits
  // each); every cycle each lane reads its entry and writes one back (a read port and a
  // write port: simple dual port). Capacity counts ceil(acc_bits/8) bytes per entry (§5).
  const uint32_t lanes = spec.pe_array.lanes;
  const uint64_t width = uint64_t(lanes) * acc_width(spec, opt);
  const uint64_t entry_bytes = ceil_div(spec.numerics.acc_bits, 8);
  const uint64_t depth = ceil_div(uint64_t(spec.buffers.output_kib) * 1024, lanes * entry_bytes);
  Resources half;
  memory(width, depth, opt.buffers_in_uram, half);
  return half * 2.0;
}

Resources ppu(const ArchSpec& spec, const ResourceOptions& opt) {
  check_spec(spec);
  // §8: one value per lane per cycle: Tm PPU lanes.
  return ppu_lane(spec.numerics.acc_bits, opt.acc_guard_bits, spec.numerics.act_bits,
                  spec.ppu.latency_cycles) *
         double(spec.pe_array.lanes);
}

Resources pool_eltwise(const ArchSpec& spec) {
  check_spec(spec);
  const double a = spec.numerics.act_bits;
  // Per lane (§8), a rough structural estimate, not calibrated: max (comparator + register,
  // 2a LUT, a FF), average (sum of up to 2^8 window elements, a + 8 bits, and the division by
  // K^2 as a multiply by a per-layer reciprocal: one DSP48E2), element-wise add (two shifts
  // of a bits by up to 15, 2 x 2 LUT per bit, and an adder, a + 1). Total per lane:
  // about 8a LUT, 3a + 16 FF, 1 DSP.
  Resources lane;
  lane.lut = 2 * a + (a + 8) + 4 * a + (a + 1);
  lane.ff = a + (a + 8) + (a + 8);
  lane.dsp = 1;
  return lane * double(spec.pe_array.lanes);
}

Resources dma(const ArchSpec& spec) {
  check_spec(spec);
  const uint32_t bus = spec.dram.width_bytes * 8;
  const uint32_t bus_bytes = spec.dram.width_bytes;
  // Two engines, load (read) and store (write). Per engine, a structural estimate, not
  // calibrated: a byte realigner (transfers start at any byte: each bus bit selects among
  // bus_bytes bytes, lut6_for_inputs(bus_bytes + log2 bus_bytes) LUTs) with the previous
  // beat held (bus FFs) and an output register (bus FFs); address, remaining-length and
  // burst counters (3 x 40 bits: an adder and a register each); burst splitting at 4 KiB and
  // max_burst_bytes, AXI handshakes: about 100 LUT, 32 FF.
  Resources engine;
  engine.lut = double(bus) * lut6_for_inputs(bus_bytes + clog2(bus_bytes)) + 3 * 40 + 100;
  engine.ff = 2.0 * bus + 3 * 40 + 32;
  Resources r = engine * 2.0;
  // Store side corner turn: the PPU delivers Tm channels of one pixel per cycle, DRAM wants
  // one channel's pixels in a row: a Tm x (bus / act) staging memory in LUTRAM, doubled.
  const uint32_t per_beat = bus / spec.numerics.act_bits;
  r.lut += 2 * lutram_luts(uint64_t(spec.pe_array.lanes) * spec.numerics.act_bits,
                           std::max(per_beat, 1u));
  return r;
}

Resources controller(const ArchSpec& spec) {
  check_spec(spec);
  // A rough bottom-up estimate, not calibrated: seven 32-bit host registers (224 FF, ~50 LUT
  // of decode); the 160-byte descriptor in LUTRAM (40 x 32 bits); twelve 32-bit loop counters
  // with increment and compare (group, tile row/col, Tm/Tn tiles, piece, pixel, ...:
  // 12 x (32 FF + 48 LUT)); six 48-bit address generators by strength-reduced adders
  // (6 x 48 LUT and FF). No DSPs.
  Resources r;
  r.lut = 50 + lutram_luts(32, 40) + 12 * 48 + 6 * 48;
  r.ff = 224 + 12 * 32 + 6 * 48;
  return r;
}

Resources interconnect(const ArchSpec& spec) {
  check_spec(spec);
  const double bus = spec.dram.width_bytes * 8.0;
  // A rough estimate, not calibrated: read side arbitrates three initiators (controller
  // fetch, load unit, host register reads), write side two; address multiplexers of 40 bits
  // (one LUT per bit per side), round-robin arbiters and response routing (about 100 LUT);
  // a register slice on each DRAM channel (data + 40-bit address + 16 control, in both
  // directions of the handshake: 2 x).
  Resources r;
  r.lut = 2 * 40 + 100;
  r.ff = 2 * 2 * (bus + 40 + 16);
  return r;
}

std::vector<ComponentResources> estimate_resources(const ArchSpec& spec, const ResourceOptions& opt) {
  const char* calibrated = "Yosys-calibrated blocks (products, adder tree, accumulator)";
  std::vector<ComponentResources> parts;
  parts.push_back({"pe_array", pe_array(spec, opt),
                   std::string(calibrated) + " + weight and bias registers" +
                       (opt.dsp_counting == DspCounting::nbqnn_paper
                            ? "; DSPs as the n-BQ-NN paper counts them"
                            : "")});
  parts.push_back({"window", window_unit(spec), "structural estimate"});
  parts.push_back({"input_buffer", input_buffer(spec, opt), "UG573 aspect ratios, k^2 banks"});
  parts.push_back({"weight_buffer", weight_buffer(spec, opt),
                   "UG573 aspect ratios, one array weight set per cycle"});
  parts.push_back({"output_buffer", output_buffer(spec, opt), "UG573 aspect ratios, Tm lanes wide"});
  parts.push_back({"ppu", ppu(spec, opt), "Yosys-calibrated (ppu_lane.v)"});
  parts.push_back({"pool_eltwise", pool_eltwise(spec), "rough structural estimate"});
  parts.push_back({"dma", dma(spec), "structural estimate"});
  parts.push_back({"controller", controller(spec), "rough estimate"});
  parts.push_back({"interconnect", interconnect(spec), "rough estimate"});
  return parts;
}

Resources total(const std::vector<ComponentResources>& parts) {
  Resources t;
  for (const ComponentResources& p : parts) t += p.use;
  return t;
}

std::vector<std::string> over_budget(const Resources& need, const Resources& budget) {
  std::vector<std::string> out;
  for_each_resource(need, budget, [&out](const char* name, double n, double b) {
    if (n > b) {
      std::ostringstream s;
      s << name << ": need " << std::ceil(n) << ", device has " << b;
      out.push_back(s.str());
    }
  });
  return out;
}

}  // namespace shiftsim::models
