#pragma once
// Cycle mode: the whole machine as SystemC modules (host, interconnect, DRAM, controller,
// load/compute/store units, the three buffers), elaborated, run on one program and returning
// the statistics each unit counted, merged.
// SystemC cannot restart a simulation: call simulate() once per process.
#include <cstdint>
#include <vector>

#include "models/arch_spec.h"
#include "models/cycle_time.h"
#include "models/memory/dram.h"
#include "models/simulation.h"
#include "models/vcd_trace.h"

namespace shiftsim::models {

// image: the DRAM contents (program, weights, input); on return, dram_out holds the final DRAM.
SimResult simulate_cycle(const ArchSpec& arch, std::vector<uint8_t> image, uint64_t desc_addr,
                   uint32_t desc_count, const SimOptions& options, std::vector<uint8_t>& dram_out);

}  // namespace shiftsim::models
