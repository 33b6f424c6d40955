#pragma once
// Cycle mode: the layer in flight and the progress counters through which the controller,
// load unit, compute unit and store unit hand work to each other. Every start time in the
// contract is "the latest finish among my dependencies", which these counters express
// directly. (Fast mode has its own implementation of the rules, models/fast/.)
#include <cstdint>
#include <vector>

#include <systemc>

#include "models/buffers.h"
#include "models/cycle_time.h"
#include "models/layer_plan.h"
#include "models/program.h"
#include "models/stats.h"
#include "models/vcd_trace.h"
#include "models/weight_layout.h"
#include <optional>

namespace shiftsim::models {


struct Pipeline {
  Pipeline(const ArchSpec& a, VcdTrace& t) : arch(a), clock(a.clock_mhz), trace(t) {}

  const ArchSpec& arch;
  CycleTime clock;
  VcdTrace& trace;
  Buffers buffers;

  // A counter one unit advances and another waits on; each has its own event so that an
  // advance wakes only the units that depend on it.
  struct Progress {
    uint64_t value = 0;
    sc_core::sc_event changed;
    void advance(uint64_t v) {
      value = v;
      changed.notify(sc_core::SC_ZERO_TIME);
    }
    template <class F>
    void wait_until(F ready) {
      while (!ready(value)) sc_core::wait(changed);
    }
  };

  // The layer in flight; `layers` grows by one per layer so units notice a new one.
  Progress layers;
  Descriptor desc;
  LayerPlan plan;
  std::optional<WeightLayout> layout;  // conv layers
  Progress loads, steps, stores;       // jobs finished in this layer
  std::vector<LayerStats> stats;

  void mark(Sig s, uint64_t v) { trace.set(s, v, clock.now()); }
  // Spends n cycles, one wait per cycle; `each` runs once per cycle.
  template <class F>
  void spend(uint64_t n, F each) {
    for (uint64_t i = 0; i < n; ++i) {
      each(i);
      sc_core::wait(clock.period());
    }
  }
  void spend(uint64_t n) {
    spend(n, [](uint64_t) {});
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
