#pragma once
// Fast mode's clock: the contract's timing rules (docs/ARCHITECTURE.md §3-§8) applied job by
// job in plain C++, without SystemC. It is the second, independent implementation of the
// machine's timing: cycle mode gets its cycles from clocked modules, this class from the rules,
// and the two must agree on every pass. It shares only the memory timing object
// (models/memory/memory_timing.h) with cycle mode, which it feeds with the three engines'
// requests in the order they reach the DRAM, and the loop nest of tiles and steps that the
// program defines (models/control/layer_plan.h). `shiftsim fit` times its candidates with it too.
#include <cstdint>
#include <algorithm>
#include <array>
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
  // The DRAM's timing state, for passes timed elsewhere (the recurrent unit's, recurrent_fast.h).
  MemoryTiming& memory() { return *memory_; }
  // Records every job's start and end in `events` (in job order, not cycle order), or stops
  // recording with nullptr.
  void record(std::vector<TraceEvent>* events) { events_ = events; }
  // The PE array's pipeline depth D (§6): from a pixel's issue to its accumulator write.
  static uint32_t pipeline_depth(const ArchSpec& arch);

 private:
  static constexpr uint64_t kUnknown = UINT64_MAX;
  static constexpr uint64_t kJobRing = 16;  // a power of two
  // A DMA engine (§4): its jobs, the bursts it has yet to issue, and its state between bursts,
  // which carries across job and pass boundaries.
  struct Job {
    uint64_t handed = 0, data_ready = 0;
    uint64_t done = kUnknown;  // the cycle after its last beat, once its last burst is served
  };
  struct QueuedBurst {
    Burst burst;
    uint64_t handed = 0;  // its job's hand-over cycle
    uint64_t offset = 0;  // beats of its job before it
    uint64_t beats = 0;   // its own beats on the data channel
    size_t job = 0;
    bool last = false;    // the job's last burst
  };
  struct Engine {
    DramInitiator who = DramInitiator::fetch;
    uint64_t last_issue = 0, data_end = 0;
    std::vector<uint64_t> ends;  // the last beats' cycles of its most recent bursts (a ring)
    size_t ring = 0;             // the slot of the oldest of them: bursts % ends.size()
    uint64_t bursts = 0;
    // The bursts not yet issued are queue[head..]: a vector whose served front is dropped
    // now and then, so queuing and serving a burst allocate nothing.
    std::vector<QueuedBurst> queue;
    size_t head = 0;
    // This pass's jobs, numbered from 0 in the order queued; only the last kJobRing are kept
    // (the units read a job's end a few jobs after queuing it, never later).
    std::array<Job, kJobRing> jobs;
    uint64_t queued = 0;  // jobs queued this pass
    Job& job(uint64_t id) { return jobs[id & (kJobRing - 1)]; }
    bool idle() const { return head == queue.size(); }
  };
  // §4: starts a job handed to engine `e` in cycle `handed` (a write's beats wait for data
  // from `data_ready`) and returns its number (e.job(id)); add() then queues its transfers and
  // end_job() closes it (an empty job is done when handed). `oldest` is the oldest job whose
  // end the caller may still read: the ring must not overwrite it (a logic_error if it would).
  uint64_t begin_job(Engine& e, uint64_t handed, uint64_t data_ready, uint64_t oldest);
  // Queues one contiguous transfer of the job begun: its bursts of at most max_burst_bytes,
  // never crossing a 4 KiB boundary (as DramTiming::split cuts them).
  void add(uint64_t addr, uint64_t bytes) {
    Engine& e = *job_engine_;
    while (bytes > 0) {
      const uint64_t n = std::min({bytes, 4096 - (addr & 4095), max_burst_});
      const uint64_t last = addr + n - 1;
      const uint64_t beats = width_pow2_ ? (last >> width_shift_) - (addr >> width_shift_) + 1
                                         : last / width_ - addr / width_ + 1;
      // Field by field into the vector (an aggregate built on the stack and copied as a whole
      // stalled on store forwarding: the copy's wide loads read its narrow stores).
      QueuedBurst& q = e.queue.emplace_back();
      q.burst.addr = addr;
      q.burst.bytes = uint32_t(n);
      q.handed = job_handed_;
      q.offset = job_beats_;
      q.beats = beats;
      q.job = job_id_;
      job_beats_ += beats;
      addr += n;
      bytes -= n;
    }
  }
  void end_job();
  // The cycle the next queued burst of `e` issues; kUnknown when none is queued.
  uint64_t next_issue(const Engine& e) const {
    if (e.idle()) return kUnknown;
    // The engine takes a job at the edge after it is handed; one request a cycle, each waiting
    // for a free slot: the burst `outstanding` back has moved its data.
    const uint64_t slot = e.bursts >= outstanding_ ? e.ends[e.ring] + 1 : 0;
    return std::max({e.queue[e.head].handed + 1, e.last_issue + 1, slot});
  }
  // Serves the burst that reaches the DRAM first (ties in the initiators' order, as the DRAM
  // target orders one cycle's requests). False when no engine has a burst queued.
  bool serve_next();
  // Serves bursts in arrival order until one ends its job (the only event the units wait
  // on: a burst that is not its job's last changes nothing they can see, so serving the next
  // one at once is what the units would have done). False when no engine has a burst queued.
  bool serve_to_job_end();
  // Issues the next queued burst of `e` in cycle `issue` (= next_issue(e)); true when it
  // was its job's last.
  bool serve(Engine& e, uint64_t issue);
  // Serves bursts in arrival order until job `id` of `e` is done; its done cycle.
  uint64_t finish(Engine& e, uint64_t id);
  void add_window(uint64_t base, const Descriptor& d, const Window& w);

  const ArchSpec& arch_;
  DramTiming dram_timing_;
  std::unique_ptr<MemoryTiming> memory_;
  uint32_t depth_;
  uint64_t outstanding_;   // dma.outstanding
  uint64_t max_burst_;     // dram.max_burst_bytes
  uint64_t width_;         // dram.width_bytes
  uint32_t width_shift_;   // log2(dram.width_bytes) when a power of two, else 0 with width_pow2_ false
  bool width_pow2_;
  Engine fetch_, read_, write_;  // the controller's, the load unit's and the store unit's
  // The job being queued: its engine, number, hand-over, its beats so far, its first burst.
  Engine* job_engine_ = nullptr;
  uint64_t job_id_ = 0, job_handed_ = 0, job_beats_ = 0;
  size_t job_first_ = 0;
  // One pass's bookkeeping per tile, kept between passes (per step, only the last few steps'
  // are needed: time_pass keeps those in rings, so a pass of millions of steps touches no
  // memory per step).
  std::vector<uint64_t> tile_retire_, store_handed_;
  std::vector<TraceEvent>* events_ = nullptr;

  void mark(uint64_t cycle, Sig sig, uint64_t value) {
    if (events_) events_->push_back({cycle, sig, value});
  }
};

}  // namespace shiftsim::models
