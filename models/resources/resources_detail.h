#pragma once
// Private to the resource model (models/resources/resources.cpp, models/resources/resources_blocks.cpp): argument
// checks and the CLB facts both halves build on.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "models/int_math.h"

namespace shiftsim::models::resource_detail {

inline void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(std::string("resource model: ") + what);
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
inline double lutram_luts(uint64_t width_bits, uint64_t depth) {
  return double(kRam32m16Luts * ceil_div(width_bits, kRam32m16Width) *
                ceil_div(depth, kRam32m16Depth));
}

}  // namespace shiftsim::models::resource_detail
