#pragma once
// The one call that runs an accelerator program, in either simulation mode, and what it
// returns. Plain C++: cycle mode elaborates the SystemC machine (models/accelerator.h), fast
// mode runs without SystemC (models/fast/fast_machine.h).
// SystemC cannot restart a simulation: call simulate() in cycle mode once per process.
#include <cstdint>
#include <functional>
#include <vector>

#include "models/arch_spec.h"
#include "models/energy/activity.h"
#include "models/resources/resources.h"
#include "models/stats.h"
#include "models/vcd_trace.h"

namespace shiftsim::models {

enum class SimMode { fast, cycle };

// DRAM as the processing system sees it between inferences: placing the next input and reading
// results take no simulated time and count no DRAM traffic (they are the processor's work,
// outside the accelerator's timing). Cycle mode does this with TLM debug transport.
class HostMemory {
 public:
  virtual ~HostMemory() = default;
  virtual void write(uint64_t addr, const uint8_t* data, uint32_t len) = 0;
  virtual void read(uint64_t addr, uint8_t* data, uint32_t len) = 0;
};

struct SimOptions {
  SimMode mode = SimMode::fast;
  TraceOptions trace;  // cycle mode only
  std::function<void(uint32_t layer, uint32_t count)> on_layer;  // progress; may be empty
  // Inferences in one simulation (SystemC cannot restart): the host starts the program `runs`
  // times, calling before_run (for run >= 1: place the next input) and after_run (read results).
  uint32_t runs = 1;
  std::function<void(uint32_t run, HostMemory&)> before_run, after_run;
  // Cycle mode: stop with an error when no unit has moved data, issued or retired for this
  // many cycles (a deadlock would otherwise run the clock forever); 0: 1,000,000 cycles
  // plus twice the DRAM latency.
  uint64_t watchdog_cycles = 0;
  // Which structure the passes' activity counts describe: where the convolvers' adders are
  // (resources.dsp_counting, docs/ENERGY.md).
  DspCounting dsp_counting = DspCounting::synthesis;
};

struct SimResult {
  uint64_t total_cycles = 0;        // host's first register write to the host seeing done
  uint64_t accelerator_cycles = 0;  // the controller's cycle register: start to done (first run)
  std::vector<uint64_t> run_cycles;   // the cycle register after each run
  std::vector<uint64_t> run_end_cycles;  // the cycle the host saw each run done
  std::vector<LayerStats> layers;    // every pass of every run, in order
  // What each component did in each pass (parallel to layers), counted by the unit that ran
  // the pass's plan: the controller in cycle mode, the fast machine in fast mode.
  std::vector<ComponentActions> actions;
  DramStats dram;
};

// image: the DRAM contents (program, weights, input); on return, dram_out holds the final DRAM.
SimResult simulate(const ArchSpec& arch, std::vector<uint8_t> image, uint64_t desc_addr,
                   uint32_t desc_count, const SimOptions& options, std::vector<uint8_t>& dram_out);

}  // namespace shiftsim::models
