#pragma once
// Fast mode's clock: the contract's timing rules (docs/ARCHITECTURE.md §3-§8) applied job by
// job in plain C++, without SystemC. It is the second, independent implementation of the
// machine's timing: cycle mode gets its cycles from clocked modules, this class from the rules,
// and the two must agree on every pass. It shares only the memory timing object
// (models/memory/memory_timing.h) with cycle mode, which it feeds with the three engines'
// requests in the order they reach the DRAM, and the loop nest of tiles and steps that the
// program defines (models/control/layer_plan.h). `shiftsim fit` times its candidates with it too.
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "models/arch_spec.h"
#include "models/memory/dram_timing.h"
#include "models/memory/dram_initiator.h"
#include "models/memory/memory_timing.h"
#include "models/control/layer_plan.h"
#include "models/control/program.h"
#include "models/stats.h"
#include "models/vcd_trace.h"

namespace shiftsim::models {

class WeightLayout;

// A job boundary for fast mode's trace: which unit became busy or idle, in which cycle.
struct TraceEvent {
  uint64_t cycle;
  Sig sig;
  uint64_t value;
};

class FastTiming {
 public:
  explicit FastTiming(const ArchSpec& arch);
  FastTiming(const FastTiming&) = delete;
  FastTiming& operator=(const FastTiming&) = delete;

  // Times one pass whose descriptor fetch (from `desc_at`) starts at cycle `now`: fills the
  // cycle fields of `st` (start, end, compute, stall, load, store) and its DRAM bytes. `layout`
  // is the pass's weight layout (conv passes only). DRAM state carries over between passes.
  void time_pass(const Descriptor& d, const LayerPlan& plan, const WeightLayout* layout,
                 uint64_t desc_at, uint64_t now, LayerStats& st);

  const DramStats& dram_stats() const { return memory_->stats(); }
  // Records every job's start and end in `events` (in job order, not cycle order), or stops
  // recording with nullptr.
  void record(std::vector<TraceEvent>* events) { events_ = events; }
  // The PE array's pipeline depth D (§6): from a pixel's issue to its accumulator write.
  static uint32_t pipeline_depth(const ArchSpec& arch);

 private:
  static constexpr uint64_t kUnknown = UINT64_MAX;
  // A DMA engine (§4): its jobs, the bursts it has yet to issue, and its state between bursts,
  // which carries across job and pass boundaries.
  struct Job {
    uint64_t handed = 0, data_ready = 0;
    uint64_t done = kUnknown;  // the cycle after its last beat, once its last burst is served
  };
  struct QueuedBurst {
    Burst burst;
    uint64_t offset = 0;  // beats of its job before it
    uint64_t beats = 0;   // its own beats on the data channel
    size_t job = 0;
    bool last = false;    // the job's last burst
  };
  struct Engine {
    DramInitiator who = DramInitiator::fetch;
    uint64_t last_issue = 0, data_end = 0;
    std::vector<uint64_t> ends;  // the last beats' cycles of its most recent bursts (a ring)
    uint64_t bursts = 0;
    std::deque<QueuedBurst> queue;
    std::vector<Job> jobs;  // this pass's
  };
  // Queues one contiguous transfer of the next DMA job.
  void add(uint64_t addr, uint64_t bytes);
  // §4: the queued transfers become a job handed to engine `e` in cycle `handed` (a write's
  // beats wait for data from `data_ready`); returns its index in e.jobs. An empty job is done
  // when handed.
  size_t queue_job(Engine& e, uint64_t handed, uint64_t data_ready = 0);
  // The cycle the next queued burst of `e` issues; kUnknown when none is queued.
  uint64_t next_issue(const Engine& e) const;
  // Serves the burst that reaches the DRAM first (ties in the initiators' order, as the DRAM
  // target orders one cycle's requests). False when no engine has a burst queued.
  bool serve_next();
  void serve(Engine& e);
  // Serves bursts in arrival order until job `job` of `e` is done; its done cycle.
  uint64_t finish(Engine& e, size_t job);
  void add_window(uint64_t base, const Descriptor& d, const Window& w);

  const ArchSpec& arch_;
  DramTiming dram_timing_;
  std::unique_ptr<MemoryTiming> memory_;
  uint32_t depth_;
  Engine fetch_, read_, write_;  // the controller's, the load unit's and the store unit's
  std::vector<Burst> bursts_;  // the job being queued
  // One pass's bookkeeping, per step and per tile. Kept between passes: a fully connected
  // pass has hundreds of thousands of steps, and fresh vectors each pass cost page faults.
  struct PassState {
    std::vector<uint32_t> tile_of;
    std::vector<uint64_t> last_issue, load_handed, tile_retire, store_handed;
    std::vector<size_t> load_job, store_job;
  };
  PassState pass_;
  std::vector<TraceEvent>* events_ = nullptr;

  void mark(uint64_t cycle, Sig sig, uint64_t value) {
    if (events_) events_->push_back({cycle, sig, value});
  }
};

}  // namespace shiftsim::models
