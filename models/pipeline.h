#pragma once
// Cycle mode: what the units share besides their ports: the layer in flight as the
// controller decoded it (its descriptor, tile plan and weight layout: in hardware, the
// registers the controller loads), the buffers' storage, the trace and the statistics.
#include <cstdint>
#include <vector>

#include <systemc>

#include "models/buffers/buffers.h"
#include "models/cycle_time.h"
#include "models/control/layer_plan.h"
#include "models/control/program.h"
#include "models/stats.h"
#include "models/vcd_trace.h"
#include "models/pe_array/weight_layout.h"
#include <optional>

namespace shiftsim::models {


struct Pipeline {
  Pipeline(const ArchSpec& a, VcdTrace& t) : arch(a), clock(a.clock_mhz), trace(t) {}

  const ArchSpec& arch;
  CycleTime clock;
  VcdTrace& trace;
  Buffers buffers;

  // The layer in flight, as the controller published it.
  Descriptor desc;
  LayerPlan plan;
  std::optional<WeightLayout> layout;  // conv layers
  std::vector<LayerStats> stats;

  void mark(Sig s, uint64_t v) { trace.set(s, v, clock.now()); }
  // A unit moved data, issued or retired this cycle (the controller's watchdog reads it).
  void progress() { last_progress = clock.now(); }
  uint64_t last_progress = 0;
  // Spends n cycles in a clocked thread: resumes at the n-th rising edge (the kernel counts
  // the edges without switching to the thread for each).
  void spend(uint64_t n) {
    if (n > 0) sc_core::wait(int(n));
  }
  LayerStats& current() { return stats.back(); }

  // One DMA job: marks `busy` in the trace, lets `job()` issue its bursts, adds the job's
  // cycles to `busy_cycles`.
  template <class F>
  void dma_job(Sig busy, uint64_t& busy_cycles, F job) {
    const uint64_t start = clock.now();
    mark(busy, 1);
    job();
    mark(busy, 0);
    busy_cycles += clock.now() - start;
  }
};

}  // namespace shiftsim::models
