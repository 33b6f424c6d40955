// FPGA resource model. docs/RESOURCES.md explains every formula and gives its source; the
// comments here name the source of each constant. "Yosys-calibrated" means fitted to or
// checked against Yosys 0.23 `synth_xilinx -family xcup` on tests/resources/*.v (the test
// tests/models/test_resources.cpp re-runs that synthesis and holds the model within 20%).
#include "models/resources.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>

namespace shiftsim::models {

namespace {

uint32_t clog2(uint64_t n) {
  uint32_t b = 0;
  while ((uint64_t(1) << b) < n) ++b;
  return b;
}

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(std::string("resource model: ") + what);
}

void check_spec(const ArchSpec& s) {
  const PeArraySpec& pe = s.pe_array;
  require(pe.lanes >= 1 && pe.vector >= 1 && pe.kernel >= 1, "lanes, vector, kernel must be >= 1");
  require(s.numerics.act_bits >= 2 && s.numerics.act_bits <= 32, "act_bits must be 2..32");
  require(s.numerics.acc_bits >= 2 && s.numerics.acc_bits <= 64, "acc_bits must be 2..64");
  if (pe.kind == ArrayKind::svpe)
    require(s.numerics.weight_bits >= 2 && s.numerics.weight_bits <= 6,
            "svpe weight_bits (code width) must be 2..6");
  else
    require(s.numerics.weight_bits >= 2 && s.numerics.weight_bits <= 32,
            "vpe weight_bits must be 2..32");
}

// CLB facts (AMD UG574, UltraScale Architecture CLB User Guide): a LUT6 has 6 inputs; an SRL
// (SRLC32E) is a LUT used as a shift register of up to 32 stages; RAM32M16 is 8 LUTs holding
// a 32-deep, 14-bit-wide memory with one write and one read port (7 data LUTs of 2 bits each,
// the eighth the write address).
constexpr uint32_t kLutInputs = 6;
constexpr uint32_t kSrlDepth = 32;
constexpr uint32_t kRam32m16Luts = 8, kRam32m16Width = 14, kRam32m16Depth = 32;
constexpr uint32_t kSrlMinChain = 3;  // Yosys `xilinx_srl -minlen 3`; Vivado's default shreg_min_size is 3

// LUTRAM with one write and one read port (UG574 RAM32M16).
double lutram_luts(uint64_t width_bits, uint64_t depth) {
  return double(kRam32m16Luts * ceil_div(width_bits, kRam32m16Width) *
                ceil_div(depth, kRam32m16Depth));
}

}  // namespace

// ---- building blocks ----------------------------------------------------------------------

uint32_t lut6_for_inputs(uint32_t inputs) {
  if (inputs <= kLutInputs) return 1;
  return 1 + uint32_t(ceil_div(inputs - kLutInputs, kLutInputs - 1));
}

uint32_t svpe_product_bits(uint32_t act_bits, uint32_t code_bits) {
  // magnitude m has code_bits - 1 bits, the largest shift is m_max - 1 = 2^(code_bits-1) - 2;
  // one more bit for the negation of the most negative activation shifted all the way.
  const uint32_t max_shift = (1u << (code_bits - 1)) - 2;
  return act_bits + max_shift + 1;
}

uint32_t vpe_product_bits(uint32_t act_bits, uint32_t weight_bits) { return act_bits + weight_bits; }

Resources svpe_product(uint32_t act_bits, uint32_t code_bits, uint32_t stages) {
  require(code_bits >= 2 && code_bits <= 6, "svpe code_bits must be 2..6");
  const uint32_t mag_bits = code_bits - 1;
  const uint32_t max_shift = (1u << mag_bits) - 2;
  const uint32_t pw = svpe_product_bits(act_bits, code_bits);
  // Output bit j of +-(a << (m-1)) selects among the activation bits a[j-s], s = 0..max_shift
  // (bits above the top are the sign bit, below bit 0 zero): d_j distinct data inputs, plus
  // the magnitude field (select, and zero for m = 0) and the sign bit, whose XOR feeds the
  // carry chain of the negation (x ^ s) + s. One function of d_j + mag_bits + 1 inputs per
  // bit, in LUT6s (lut6_for_inputs). Yosys-calibrated: Yosys needs one LUT fewer than this
  // sum at all eight points measured (act 8/16 x code 2..5), within 10% (docs/RESOURCES.md).
  uint64_t luts = 0;
  for (uint32_t j = 0; j < pw; ++j) {
    std::set<uint32_t> src;
    for (uint32_t s = 0; s <= max_shift && s <= j; ++s) src.insert(std::min(j - s, act_bits - 1));
    luts += lut6_for_inputs(uint32_t(src.size()) + mag_bits + 1);
  }
  Resources r;
  r.lut = double(luts) - 1;
  r.ff = double(pw) * stages;  // the product registers
  return r;
}

uint32_t dsp48e2_per_multiply(uint32_t a_bits, uint32_t b_bits) {
  // DSP48E2: a 27 x 18 two's complement multiplier (AMD UG579). Wider products are split into
  // 27 x 18 pieces whose partial sums use the DSPs' own post-adders and cascade (rough: the
  // signed pieces lose a bit each, which this ignores).
  const auto fit = [](uint32_t a, uint32_t b) { return ceil_div(a, 27) * ceil_div(b, 18); };
  return uint32_t(std::min(fit(a_bits, b_bits), fit(b_bits, a_bits)));
}

Resources vpe_product(uint32_t act_bits, uint32_t weight_bits, uint32_t stages) {
  Resources r;
  r.dsp = dsp48e2_per_multiply(act_bits, weight_bits);
  // The DSP48E2 holds three register stages of a product: A/B input registers, the M
  // (multiplier) register and the P (output) register (UG579). Further stages are fabric FFs.
  // (Yosys 0.23 does not pack registers into a DSP48E2, so vpe_lane.v instantiates the
  // DSP48E2 with AREG = BREG = MREG = PREG = 1, as Vivado would infer it.)
  if (stages > 3) r.ff = double(vpe_product_bits(act_bits, weight_bits)) * (stages - 3);
  return r;
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
  require(latency >= 1, "ppu latency must be >= 1");
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

namespace {

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

bool is_svpe(const ArchSpec& s) { return s.pe_array.kind == ArrayKind::svpe; }

uint32_t product_bits(const ArchSpec& s) {
  return is_svpe(s) ? svpe_product_bits(s.numerics.act_bits, s.numerics.weight_bits)
                    : vpe_product_bits(s.numerics.act_bits, s.numerics.weight_bits);
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
  const bool svpe = is_svpe(spec);
  const uint32_t pw = product_bits(spec);
  const Resources product =
      svpe ? svpe_product(a, w, pe.product_stages) : vpe_product(a, w, pe.product_stages);
  // A product's last register is in the fabric (absorbable into a pass-through SRL) when
  // the product is a shift, or a multiply with more than the DSP's three stages.
  const bool fabric_regs = svpe ? pe.product_stages >= 1 : pe.product_stages > 3;

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
  // the next piece's into a second register set). SVPE: 2 x code bits FFs per product. VPE:
  // the DSP48E2's B1 and B2 registers (BREG = 2, UG579) hold them, no fabric FFs.
  if (pe.kind == ArrayKind::svpe) lane.ff += 2.0 * products * spec.numerics.weight_bits;
  // Bias: a tile's first step starts the accumulators at the bias (models/units.cpp): one
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
  const auto check = [&out](const char* name, double n, double b) {
    if (n > b) {
      std::ostringstream s;
      s << name << ": need " << std::ceil(n) << ", device has " << b;
      out.push_back(s.str());
    }
  };
  check("lut", need.lut, budget.lut);
  check("ff", need.ff, budget.ff);
  check("dsp", need.dsp, budget.dsp);
  check("bram36", need.bram36, budget.bram36);
  check("uram", need.uram, budget.uram);
  return out;
}

}  // namespace shiftsim::models
