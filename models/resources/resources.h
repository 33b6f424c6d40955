#pragma once
// FPGA resources: what every block's count is made of. The Resources type (DSP48E2 slices,
// LUTs, flip-flops, BRAM36 and URAM288), the counting options, and the calibrated building
// blocks and memories that the blocks of the machine are built from. Each block counts
// itself beside its model (models/pe_array/pe_array_resources.h,
// models/buffers/buffer_resources.h, models/postproc/postproc_resources.h,
// models/memory/memory_resources.h, models/control/controller_resources.h);
// models/machine_resources.h lists them and sums them. Plain C++, no SystemC. Every formula
// and constant is explained, with its source, in docs/RESOURCES.md; the datapath blocks
// (products, adder tree, accumulator, PPU lane) are calibrated against Yosys 0.23
// `synth_xilinx -family xcup` on the Verilog in tests/resources/, and
// tests/models/test_resources.cpp holds them within 20% of it.
//
// Counting convention (docs/RESOURCES.md "Counting"): `lut` counts LUT1..LUT6, LUT6_2 and
// INV cells and LUTs used as shift registers (SRL16E/SRLC32E), as Vivado's "CLB LUTs" does;
// MUXF7/8/9 and CARRY4/8 cells are not LUTs. `ff` counts FDRE/FDSE/FDCE/FDPE. `bram36` counts
// 36 Kb blocks, a RAMB18 as 0.5 (as Vivado's "Block RAM Tile").
#include <cstdint>
#include <string>
#include <vector>

namespace shiftsim::models {

struct Resources {
  double lut = 0, ff = 0, dsp = 0, bram36 = 0, uram = 0;

  Resources& operator+=(const Resources& o) {
    lut += o.lut;
    ff += o.ff;
    dsp += o.dsp;
    bram36 += o.bram36;
    uram += o.uram;
    return *this;
  }
  Resources& operator*=(double k) {
    lut *= k;
    ff *= k;
    dsp *= k;
    bram36 *= k;
    uram *= k;
    return *this;
  }
  friend Resources operator+(Resources a, const Resources& b) { return a += b; }
  friend Resources operator*(Resources a, double k) { return a *= k; }
  friend Resources operator*(double k, Resources a) { return a *= k; }
};

// Calls f(name, need, have) for each kind of resource, in the order lut, ff, dsp, bram36, uram.
template <class F>
void for_each_resource(const Resources& need, const Resources& have, F&& f) {
  f("lut", need.lut, have.lut);
  f("ff", need.ff, have.ff);
  f("dsp", need.dsp, have.dsp);
  f("bram36", need.bram36, have.bram36);
  f("uram", need.uram, have.uram);
}

// Where the PE array's DSP48E2 slices are counted.
enum class DspCounting {
  // What synthesis maps: a VPE product is one DSP48E2 (k^2 per convolver), an SVPE product
  // none; every adder (convolver, adder tree, accumulator) is LUTs and CARRY chains.
  synthesis,
  // The n-BQ-NN paper's count (Chen et al., TNNLS 2021, Eqs. 35 and 44): (k^2 + k) DSPs per
  // VPE convolver, k per SVPE convolver; the k extra DSPs hold the convolver's own adders
  // (its k^2 products summed to one), which then cost no LUTs or FFs. The adder tree across
  // the Tn convolvers of a lane and the accumulator stay in LUTs. This is the convention
  // that gives the paper's 768 DSPs for SVPE (32, 8, 3) and VPE (16, 4, 3).
  nbqnn_paper,
};

struct ResourceOptions {
  DspCounting dsp_counting = DspCounting::synthesis;
  // Map the three buffers to URAM288 (4K x 72) instead of BRAM36; for devices with URAM.
  bool buffers_in_uram = false;
  // The machine carries the recurrent unit's activation and element-wise units and its
  // register file (docs/ARCHITECTURE.md §11): a run of a sequence network sets it; a machine built for CNNs
  // leaves them out, as its bitstream would.
  bool recurrent_units = false;
  // The accumulator entries' guard bits above acc_bits are the machine's
  // (NumericsSpec::acc_guard_bits, docs/ARCHITECTURE.md §6).
};

// ---- datapath building blocks; each matches a module in tests/resources/ -----------------

// Pipelined binary adder tree of `inputs` signed values of `width` bits (adder_tree.v): one
// register per level, an odd element passing through; pass-through chains of three or more
// registers become SRLs. `inputs_registered`: the inputs come from fabric registers that a
// pass-through chain can absorb (true for SVPE products; false for DSP outputs).
Resources adder_tree(uint32_t inputs, uint32_t width, bool inputs_registered = false);
// Output width of that tree: width + ceil(log2(inputs)).
uint32_t adder_tree_bits(uint32_t inputs, uint32_t width);

// Accumulator (accumulator.v): width-bit adder + width-bit register.
Resources accumulator(uint32_t width);

// One PPU lane (ppu_lane.v): overflow policy on acc_bits + guard_bits, round, shift, ReLU,
// clamp to act_bits, in `latency` register stages (ppu_lane.v has 4).
Resources ppu_lane(uint32_t acc_bits, uint32_t guard_bits, uint32_t act_bits,
                   uint32_t latency = 4);

// LUT6s for one output bit of a function of `inputs` inputs: 1 up to 6 inputs, then one more
// LUT6 per 5 further inputs (a chain of LUT6s, each taking the previous output).
uint32_t lut6_for_inputs(uint32_t inputs);

// ---- memories ---------------------------------------------------------------------------

// BRAM36 blocks (RAMB18 = 0.5) for a width x depth memory with one read and one write port,
// using the UltraScale aspect ratios (UG573): 32Kx1, 16Kx2, 8Kx4, 4Kx9, 2Kx18, 1Kx36,
// 512x72 (simple dual port) for a RAMB36; half the depth, 512x36 SDP at most, for a RAMB18.
double bram36_for(uint64_t width_bits, uint64_t depth);
// URAM288 blocks (4K x 72, no other aspect ratio, UG573) for a width x depth memory.
double uram_for(uint64_t width_bits, uint64_t depth);

}  // namespace shiftsim::models
