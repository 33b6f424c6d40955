#pragma once
// Fast mode's recurrent pass (docs/ARCHITECTURE.md §11): an lstm or gru layer timed from the
// contract's rules and computed a whole operation at once, in plain C++ without SystemC. It
// shares the DRAM's timing object with the rest of fast mode (and, through it, with cycle
// mode's DRAM model) and the register file's element arithmetic (models/recurrent/
// recurrent_state.h) with cycle mode; not the schedule: cycle mode's recurrent unit gets its
// cycles from its clocked units and handshakes, this from §11's sums.
#include <cstdint>
#include <deque>
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
  // One DMA engine (§4): its bursts in the order they issue, the state the next one's timing
  // needs, and the bursts handed to it whose DRAM requests are not served yet.
  struct Pending {
    uint64_t addr = 0, handed = 0, offset = 0, beats = 0;  // offset: the job's beats before it
    uint32_t bytes = 0;
    size_t job = 0;
  };
  struct Engine {
    bool write = false;
    uint64_t last_issue = 0, data_end = 0, bursts = 0;
    std::vector<uint64_t> ends;  // the last beats of its most recent bursts (a ring)
    size_t ring = 0;
    std::deque<Pending> queue;
  };
  struct Job {
    uint64_t handed = 0, end = 0;
    size_t left = 0;  // bursts not served yet
  };
  // Hands a job of contiguous transfers to `e` in cycle `handed` (its bursts queue behind any
  // the engine has not issued): the job's index, its end known once end_of serves it.
  size_t hand(Engine& e, uint64_t handed, const std::vector<std::pair<uint64_t, uint64_t>>& transfers);
  // The cycle job `j` ends (the cycle after its last beat): serves the engines' queued requests
  // in the order they reach the DRAM until j's are all served.
  uint64_t end_of(size_t j);
  // The cycle the engine's next queued burst issues (all its earlier bursts are served).
  uint64_t next_issue(const Engine& e) const;
  // Serves the request that reaches the DRAM first (ties in §4's initiator order); false if
  // every queue is empty.
  bool serve_first();
  void mark(uint64_t cycle, Sig s, uint64_t v) {
    if (events_) events_->push_back({cycle, s, v});
  }

  const ArchSpec& arch_;
  MemoryTiming& memory_;
  DramTiming dram_timing_;
  Engine fetch_, read_, write_;
  std::vector<Job> jobs_;
  std::vector<TraceEvent>* events_ = nullptr;
  std::vector<Burst> bursts_;
};

}  // namespace shiftsim::models
