#pragma once
// Fast mode's recurrent pass (docs/ARCHITECTURE.md §11): an lstm or gru layer timed from the
// contract's rules and computed a whole operation at once, in plain C++ without SystemC. It
// shares the DRAM's timing object with the rest of fast mode (and, through it, with cycle
// mode's DRAM model) and the register file's element arithmetic (models/recurrent/
// recurrent_state.h) with cycle mode; not the schedule: cycle mode's recurrent unit gets its
// cycles from its clocked units and handshakes, this from §11's sums.
#include <cstdint>
#include <vector>

#include "models/arch_spec.h"
#include "models/control/program.h"
#include "models/energy/activity.h"
#include "models/fast/fast_timing.h"
#include "models/memory/dram_timing.h"
#include "models/memory/memory_timing.h"
#include "models/simulation.h"
#include "models/stats.h"

namespace shiftsim::models {

class RecurrentFast {
 public:
  RecurrentFast(const ArchSpec& arch, MemoryTiming& memory);
  // Times and runs the recurrent pass `d` whose descriptor fetch (from desc_at) starts at
  // cycle `now`: fills st's cycles, DRAM bytes and saturations; reads and writes `dram`.
  // events: the trace's job boundaries (may be null).
  // count/acts: the pass's activity (the array's issues, the weight store's and vector's fills).
  void run(const Descriptor& d, uint64_t desc_at, uint64_t now, HostMemory& dram, LayerStats& st,
           std::vector<TraceEvent>* events, const ActivityCounter& count, ComponentActions& acts);

 private:
  // One DMA engine's state between its jobs (§4), for an owner that runs one job at a time.
  struct Engine {
    bool write = false;
    uint64_t last_issue = 0, data_end = 0, bursts = 0;
    std::vector<uint64_t> ends;  // the last beats of its most recent bursts (a ring)
    size_t ring = 0;
  };
  // A job of contiguous transfers handed to `e` in cycle `handed`: the cycle it ends.
  uint64_t job(Engine& e, uint64_t handed, const std::vector<std::pair<uint64_t, uint64_t>>& transfers);
  void mark(uint64_t cycle, Sig s, uint64_t v) {
    if (events_) events_->push_back({cycle, s, v});
  }

  const ArchSpec& arch_;
  MemoryTiming& memory_;
  DramTiming dram_timing_;
  Engine fetch_, read_, write_;
  std::vector<TraceEvent>* events_ = nullptr;
  std::vector<Burst> bursts_;
};

}  // namespace shiftsim::models
