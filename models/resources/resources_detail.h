#pragma once
// For the blocks' resource counts (the *_resources.cpp files beside each block's model), not
// for their users: argument checks, the accumulator entry's width and the CLB facts they
// all build on.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "models/arch_spec.h"
#include "models/int_math.h"

namespace shiftsim::models::resource_detail {

inline void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(std::string("resource model: ") + what);
}

// The spec fields every block's count reads: the array's shape and the value widths. The
// weight width's limits belong to the array kind; the PE array's count checks them
// (models/pe_array/pe_array_resources.cpp).
inline void check_shape(const ArchSpec& s) {
  const PeArraySpec& pe = s.pe_array;
  require(pe.lanes >= 1 && pe.vector >= 1 && pe.kernel >= 1, "lanes, vector, kernel must be >= 1");
  require(s.numerics.act_bits >= 2 && s.numerics.act_bits <= 32, "act_bits must be 2..32");
  require(s.numerics.acc_bits >= 2 && s.numerics.acc_bits <= 64, "acc_bits must be 2..64");
}

// An accumulator entry: acc_bits and the guard bits above them (docs/ARCHITECTURE.md §6),
// what the lanes add into and the output buffer holds.
inline uint32_t acc_entry_bits(const ArchSpec& s) { return s.numerics.acc_bits + s.numerics.acc_guard_bits; }

// CLB facts (AMD UG574, UltraScale Architecture CLB User Guide): a LUT6 has 6 inputs; an SRL
// (SRLC32E) is a LUT used as a shift register of up to 32 stages; RAM32M16 is 8 LUTs holding
// a 32-deep, 14-bit-wide memory with one write and one read port (7 data LUTs of 2 bits each,
// the eighth the write address).
constexpr uint32_t kLutInputs = 6;
constexpr uint32_t kSrlDepth = 32;
constexpr uint32_t kRam32m16Luts = 8, kRam32m16Width = 14, kRam32m16Depth = 32;
constexpr uint32_t kSrlMinChain = 3;  // Yosys `xilinx_srl -minlen 3`; Vivado's default shreg_min_size is 3

// LUTRAM with one write and one read port (UG574 RAM32M16).
inline double lutram_luts(uint64_t width_bits, uint64_t depth) {
  return double(kRam32m16Luts * ceil_div(width_bits, kRam32m16Width) *
                ceil_div(depth, kRam32m16Depth));
}

}  // namespace shiftsim::models::resource_detail
