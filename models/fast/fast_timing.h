#pragma once
// Fast mode's clock: the contract's timing rules (docs/ARCHITECTURE.md §3-§8) applied job by
// job in plain C++, without SystemC. It is the second, independent implementation of the
// machine's timing: cycle mode gets its cycles from clocked modules, this class from the rules,
// and the two must agree on every pass. It shares only the DRAM model (models/dram_timing.h)
// with cycle mode, and the loop nest of tiles and steps that the program defines
// (models/layer_plan.h). `shiftsim fit` times its candidates with it too.
#include <cstdint>
#include <vector>

#include "models/arch_spec.h"
#include "models/dram_timing.h"
#include "models/memory/memory_timing.h"
#include <memory>
#include "models/layer_plan.h"
#include "models/program.h"
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
  // A DMA engine's state between its jobs (§4): its bursts stream on across job boundaries.
  struct Engine {
    bool write = false;
    uint64_t last_issue = 0, data_end = 0;
    std::vector<uint64_t> ends;  // the last beats' cycles of its most recent bursts (a ring)
    uint64_t bursts = 0;
  };
  // Queues one contiguous transfer of the next DMA job.
  void add(uint64_t addr, uint64_t bytes);
  // §4: the queued job, handed to engine `e` in cycle `handed`; returns the cycle after its
  // last beat (`handed` for an empty job). A write's beats wait for data from `data_ready`.
  uint64_t job(Engine& e, uint64_t handed, uint64_t data_ready = 0);
  void add_window(uint64_t base, const Descriptor& d, const Window& w);

  const ArchSpec& arch_;
  DramTiming dram_timing_;
  std::unique_ptr<MemoryTiming> memory_;
  uint32_t depth_;
  Engine fetch_, read_, write_;  // the controller's, the load unit's and the store unit's
  std::vector<Burst> bursts_;  // the job being queued
  std::vector<TraceEvent>* events_ = nullptr;

  void mark(uint64_t cycle, Sig sig, uint64_t value) {
    if (events_) events_->push_back({cycle, sig, value});
  }
};

}  // namespace shiftsim::models
