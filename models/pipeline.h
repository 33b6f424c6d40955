#pragma once
// The layer in flight and the progress counters through which the controller, load unit,
// compute unit and store unit hand work to each other. Every start time in the contract is
// "the latest finish among my dependencies", which these counters express directly; both
// simulation modes use them, so both see the same schedule.
#include <cstdint>
#include <vector>

#include <systemc>

#include "models/buffers.h"
#include "models/cycle_time.h"
#include "models/layer_plan.h"
#include "models/program.h"
#include "models/vcd_trace.h"
#include "models/weight_layout.h"
#include <optional>

namespace shiftsim::models {

struct LayerStats {
  uint32_t layer_id = 0;
  uint64_t start_cycle = 0, end_cycle = 0;
  uint64_t compute_cycles = 0;   // cycles the compute unit worked (issue, padding, drain)
  uint64_t stall_cycles = 0;     // cycles the compute unit waited for a load or a free output half
  uint64_t load_cycles = 0, store_cycles = 0;  // busy cycles of the two DMA units
  uint64_t dram_read_bytes = 0, dram_write_bytes = 0;
  uint64_t saturations = 0;
  uint32_t tiles = 0, steps = 0, tile_rows = 0, tile_cols = 0;
  double wall_seconds = 0;  // host time spent simulating this layer
};

struct Pipeline {
  Pipeline(const ArchSpec& a, SimMode m, VcdTrace& t)
      : arch(a), mode(m), clock(a.clock_mhz), trace(t) {}

  const ArchSpec& arch;
  SimMode mode;
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
  // Spends n cycles: one wait per cycle in cycle mode, one wait in fast mode. `each` runs once
  // per cycle in cycle mode (for the trace) and is skipped in fast mode.
  template <class F>
  void spend(uint64_t n, F each) {
    if (n == 0) return;
    if (mode == SimMode::fast) {
      sc_core::wait(clock.cycles(n));
      return;
    }
    for (uint64_t i = 0; i < n; ++i) {
      each(i);
      sc_core::wait(clock.period());
    }
  }
  void spend(uint64_t n) {
    spend(n, [](uint64_t) {});
  }
  LayerStats& current() { return stats.back(); }

  // One DMA job: marks `busy` in the trace, lets `job(pending)` issue its bursts (fast mode:
  // their delays add up in `pending`, waited for once), adds the job's cycles to `busy_cycles`.
  template <class F>
  void dma_job(Sig busy, uint64_t& busy_cycles, F job) {
    const uint64_t start = clock.now();
    mark(busy, 1);
    sc_core::sc_time pending = sc_core::SC_ZERO_TIME;
    job(pending);
    if (mode == SimMode::fast) sc_core::wait(pending);
    mark(busy, 0);
    busy_cycles += clock.now() - start;
  }
};

}  // namespace shiftsim::models
