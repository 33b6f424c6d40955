#pragma once
// Fast mode: the accelerator as a transaction-level model in plain C++. Each job's data is
// computed at once (a whole step on the PE array, a whole tile through the PPU) and its
// timing comes from the contract's rules (models/fast/fast_timing.h), not from the clocked
// modules of cycle mode. No SystemC: many fast runs may share one process.
#include <cstdint>
#include <vector>

#include "models/simulation.h"

namespace shiftsim::models {

SimResult simulate_fast(const ArchSpec& arch, std::vector<uint8_t> image, uint64_t desc_addr,
                        uint32_t desc_count, const SimOptions& options, std::vector<uint8_t>& dram_out);

}  // namespace shiftsim::models
