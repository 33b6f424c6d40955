// The PE array's resources (lanes, weight and bias registers) and the window generator's.
// docs/RESOURCES.md explains every formula and gives its source; the comments here name the
// source of each constant. The products, adder tree and accumulator are Yosys-calibrated
// (tests/resources/svpe_lane.v, vpe_lane.v; tests/models/test_resources.cpp holds the lane
// within 20% of Yosys); the window unit is a structural estimate.
#include "models/pe_array/pe_array_resources.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "models/pe_array/array_kind.h"
#include "models/resources/resources_detail.h"

namespace shiftsim::models {

using namespace resource_detail;

namespace {

// The shape and widths, and the weight width against the limits the array kind declares.
void check_spec(const ArchSpec& s) {
  check_shape(s);
  const ArrayKindModel& kind = array_kind_model(s);
  if (s.numerics.weight_bits < kind.min_weight_bits() || s.numerics.weight_bits > kind.max_weight_bits())
    throw std::invalid_argument(std::string("resource model: ") + kind.name() + " weight_bits must be " +
                                std::to_string(kind.min_weight_bits()) + ".." +
                                std::to_string(kind.max_weight_bits()) + ", got " +
                                std::to_string(s.numerics.weight_bits));
}

uint32_t product_bits(const ArchSpec& s) {
  return array_kind_model(s).product_bits(s.numerics);
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
  return std::max(acc_entry_bits(s), tree_out_bits(s, opt));
}

}  // namespace

Resources lane_datapath(const ArchSpec& spec, const ResourceOptions& opt) {
  check_spec(spec);
  const PeArraySpec& pe = spec.pe_array;
  const uint32_t k2 = pe.kernel * pe.kernel;
  const uint32_t products = pe.vector * k2;
  const ArrayKindModel& kind = array_kind_model(spec);
  const uint32_t pw = product_bits(spec);
  const Resources product = kind.product(spec.numerics, pe.product_stages);
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
  // The weight code's per-layer registers (SVPE: the two sign offsets, docs/ARCHITECTURE.md §6).
  lane += array_kind_model(spec).lane_code_registers(spec.numerics);
  return lane * double(pe.lanes);
}

WindowShape window_shape(const ArchSpec& spec) {
  check_spec(spec);
  const PeArraySpec& pe = spec.pe_array;
  const uint32_t k = pe.kernel, k2 = k * k;
  constexpr double kAddressBits = 16;  // rtl/cu_top.v's bank address width
  WindowShape w;
  // rtl/cu_top.v's window generator. The input buffer's k x k banks (models/buffers/
  // buffer_resources.cpp) hold a window's positions rotated by its origin's residues
  // (y0 mod k, x0 mod k). Addresses: the origin's quotients (two 16-bit adders), then per
  // bank row and per bank column one 16-bit word, quotient + (index < residue), registered
  // with the issue (the k^2 banks share the k row and k column words).
  w.quotient_adder_bits = 2.0 * kAddressBits;
  w.address_bits = 2.0 * k * kAddressBits;
  // The rotation's one-hot selects (row ky takes bank row q: a compare of the 8-bit residue,
  // k^2 for rows and k^2 for columns) and the extent's masks (kernel row or column < the
  // piece's extent, k each), registered with the issue.
  w.selects = 2.0 * k2 + 2.0 * k;
  w.select_luts = lut6_for_inputs(8);
  // The rotation: per window bit two AND-OR k:1 multiplexers (rows, then columns with the
  // mask in the select) of k selects and k words, 2k inputs each. The bank RAMs' output
  // registers hold the words, so the window has no register of its own.
  w.rotation_luts_per_bit = k > 1 ? 2.0 * lut6_for_inputs(2 * k) : 0.0;
  w.elements = double(pe.vector) * k2;
  w.element_bits = spec.numerics.act_bits;
  // SVPE sign offsets: each window element also gives the lanes its activation shifted by the
  // layer's offset (docs/ARCHITECTURE.md §6).
  w.element_extra = array_kind_model(spec).window_element_extra(spec.numerics);
  return w;
}

Resources window_unit(const ArchSpec& spec) {
  const WindowShape w = window_shape(spec);
  Resources r;
  r.lut += w.quotient_adder_bits + w.address_bits;
  r.ff += w.address_bits;
  r.lut += w.selects * w.select_luts;
  r.ff += w.selects;
  r.lut += w.rotation_luts_per_bit * w.elements * w.element_bits;
  r += w.element_extra * w.elements;
  return r;
}

}  // namespace shiftsim::models
