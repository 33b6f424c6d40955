#pragma once
// The whole machine: host, interconnect, DRAM, controller, load/compute/store units, and the
// one call that elaborates it, runs a program and returns the statistics.
// SystemC cannot restart a simulation: call simulate() once per process.
#include <cstdint>
#include <functional>
#include <vector>

#include "models/arch_spec.h"
#include "models/cycle_time.h"
#include "models/dram.h"
#include "models/pipeline.h"
#include "models/vcd_trace.h"

namespace shiftsim::models {

struct SimOptions {
  SimMode mode = SimMode::fast;
  TraceOptions trace;
  std::function<void(uint32_t layer, uint32_t count)> on_layer;  // progress; may be empty
};

struct SimResult {
  uint64_t total_cycles = 0;        // host's first register write to the host seeing done
  uint64_t accelerator_cycles = 0;  // the controller's cycle register: start to done
  std::vector<LayerStats> layers;
  DramStats dram;
};

// image: the DRAM contents (program, weights, input); on return, dram_out holds the final DRAM.
SimResult simulate(const ArchSpec& arch, std::vector<uint8_t> image, uint64_t desc_addr,
                   uint32_t desc_count, const SimOptions& options, std::vector<uint8_t>& dram_out);

}  // namespace shiftsim::models
