#include "models/fast/fast_timing.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "models/int_math.h"
#include "models/pe_array/weight_layout.h"

namespace shiftsim::models {

namespace {
// The controller decodes a descriptor for one cycle before publishing its layer (§3).
constexpr uint64_t kDecode = 1;
}  // namespace

FastTiming::FastTiming(const ArchSpec& arch)
    : arch_(arch), dram_timing_(arch.dram, arch.clock_mhz), memory_(make_memory_timing(arch)),
      depth_(pipeline_depth(arch)), outstanding_(arch.dma.outstanding),
      max_burst_(dram_timing_.max_burst_bytes()), width_(dram_timing_.width_bytes()) {
  const uint32_t width = dram_timing_.width_bytes();
  width_pow2_ = width != 0 && (width & (width - 1)) == 0;
  width_shift_ = width_pow2_ ? uint32_t(__builtin_ctz(width)) : 0;
  fetch_.who = DramInitiator::fetch;
  read_.who = DramInitiator::load;
  write_.who = DramInitiator::store;
  for (Engine* e : {&fetch_, &read_, &write_}) e->ends.assign(outstanding_, 0);
}

uint32_t FastTiming::pipeline_depth(const ArchSpec& arch) {
  const uint64_t products = uint64_t(arch.pe_array.vector) * arch.pe_array.kernel * arch.pe_array.kernel;
  const uint32_t tree = clog2(products);
  // The window's read, products and adder tree (the accumulator's entry read overlaps them),
  // the accumulate stage.
  const BufferSpec& b = arch.buffers;
  return b.input_read_latency + std::max(arch.pe_array.product_stages + tree, b.output_read_latency) + 1;
}

uint64_t FastTiming::begin_job(Engine& e, uint64_t handed, uint64_t data_ready, uint64_t oldest) {
  const uint64_t id = e.queued++;
  if (id - oldest >= kJobRing) throw std::logic_error("fast timing: more DMA jobs in flight than the ring holds");
  Job& job = e.job(id);
  job.handed = handed;
  job.data_ready = data_ready;
  job.done = kUnknown;
  job_engine_ = &e;
  job_id_ = id;
  job_handed_ = handed;
  job_beats_ = 0;
  job_first_ = e.queue.size();
  return id;
}

void FastTiming::end_job() {
  Engine& e = *job_engine_;
  if (e.queue.size() > job_first_)
    e.queue.back().last = true;
  else
    e.job(job_id_).done = job_handed_;
}

bool FastTiming::serve(Engine& e, uint64_t issue) {
  const QueuedBurst& q = e.queue[e.head];
  const bool write = e.who == DramInitiator::store;
  const MemAccess a = memory_->access(write, issue, q.burst.addr, q.burst.bytes);
  // Its beats follow the previous burst's on the data channel, once the DRAM has them (and,
  // writing, once the source has produced them); the last waits for the DRAM's last data.
  Job& job = e.job(q.job);
  uint64_t first = std::max(a.first, e.data_end + 1);
  if (write) first = std::max(first, job.data_ready + q.offset);
  e.data_end = std::max(first + q.beats - 1, a.last);
  e.last_issue = issue;
  e.ends[e.ring] = e.data_end;
  if (++e.ring == outstanding_) e.ring = 0;
  ++e.bursts;
  const bool last = q.last;
  if (last) job.done = e.data_end + 1;
  if (++e.head == e.queue.size()) {
    e.queue.clear();
    e.head = 0;
  } else if (e.head >= 256 && 2 * e.head >= e.queue.size()) {
    // An engine whose next job is queued before its last is served may never drain: drop the
    // served bursts now and then (the few left move to the front).
    e.queue.erase(e.queue.begin(), e.queue.begin() + std::ptrdiff_t(e.head));
    e.head = 0;
  }
  return last;
}

bool FastTiming::serve_next() {
  // Any engine without a queued burst waits for a job still moving, so its next request
  // comes after the earliest queued one: serving that one keeps the DRAM's arrival order.
  Engine* best = nullptr;
  uint64_t best_at = kUnknown;
  for (Engine* e : {&fetch_, &read_, &write_}) {  // the initiators' order breaks ties
    const uint64_t at = next_issue(*e);
    if (at < best_at) best = e, best_at = at;
  }
  if (!best) return false;
  serve(*best, best_at);
  return true;
}

bool FastTiming::serve_to_job_end() {
  for (;;) {
    Engine* best = nullptr;
    uint64_t best_at = kUnknown;
    for (Engine* e : {&fetch_, &read_, &write_}) {
      const uint64_t at = next_issue(*e);
      if (at < best_at) best = e, best_at = at;
    }
    if (!best) return false;
    if (serve(*best, best_at)) return true;
  }
}

uint64_t FastTiming::finish(Engine& e, uint64_t id) {
  while (e.job(id).done == kUnknown)
    if (!serve_next()) throw std::logic_error("fast timing: a DMA job that never ends");
  return e.job(id).done;
}

void FastTiming::add_window(uint64_t base, const Descriptor& d, const Window& w) {
  const uint64_t ab = act_bytes(arch_);
  for_each_window_read(d, w, [&](int32_t c, int32_t chans, int32_t y, int32_t rows, int32_t xlo, int32_t cols) {
    const uint64_t ch = uint64_t(w.ch0 + c);
    add(base + ((ch * d.in_h + y) * d.in_w + xlo) * ab, uint64_t(chans) * rows * cols * ab);
  });
}

void FastTiming::time_pass(const Descriptor& d, const LayerPlan& plan, const WeightLayout* layout,
                           uint64_t desc_at, uint64_t now, LayerStats& st) {
  const DramStats before = memory_->stats();
  const BufferSpec& buf = arch_.buffers;
  for (Engine* e : {&fetch_, &read_, &write_}) e->queued = 0;
  st.start_cycle = now;
  // §3: the fetch, one decode cycle, the layer registers raised; the units act a cycle later.
  const uint64_t fetch = begin_job(fetch_, now, 0, 0);
  add(desc_at, kDescriptorBytes);
  end_job();
  const uint64_t t0 = finish(fetch_, fetch) + kDecode + 1;
  const uint32_t tm = arch_.pe_array.lanes, k = arch_.pe_array.kernel;
  const bool conv = d.op == Op::conv;
  // §6: pipeline depth, weight preload and accumulator hazard distances.
  const uint64_t D = conv ? depth_ : buf.input_read_latency + 1;
  const uint64_t G = buf.weight_read_latency + 1, H = buf.output_read_latency + 1;
  const uint64_t kp = (d.kernel + k - 1) / k, pieces = conv ? kp * kp : 1;
  const uint64_t ab = act_bytes(arch_);
  const size_t S = plan.steps.size(), T = plan.tiles.size();
  // Per step, the last few steps' figures (rings of 4: loads run at most two steps ahead of
  // the compute unit, which looks back two); load job s is read job s, store job t write job t.
  constexpr size_t kSteps = 4;
  uint64_t last_issue[kSteps] = {}, load_handed[kSteps] = {};
  tile_retire_.resize(T);
  store_handed_.resize(T);
  auto& tile_retire = tile_retire_;
  auto& store_handed = store_handed_;
  // The compute unit's state between steps: the last round's first issue and length.
  uint64_t round_start = 0, round_len = 0, busy_end = 0, compute = 0, last_retire = t0;
  uint64_t load_busy_until = 0;
  auto busy = [&](uint64_t from, uint64_t to) {  // adds [from, to] to the union of busy cycles
    from = std::max(from, busy_end);
    if (to + 1 > from) compute += to + 1 - from;
    busy_end = std::max(busy_end, to + 1);
  };
  auto store_end = [&](size_t t) { return write_.job(t).done; };
  // The three units as chains of jobs (§7), each advanced as far as what it waits for is
  // known; when none can move, the earliest DRAM request is served.
  size_t loads = 0, steps = 0, stores = 0, stores_seen = 0;
  size_t step_tile = 0;  // the tile of step `steps`
  while (stores_seen < T) {
    bool moved = false;
    // load(s): handed a cycle after load(s-1) was, once the compute unit has released its half
    // (step s-2).
    while (loads < S && (loads < 2 || steps >= loads - 1)) {
      const size_t s = loads;
      const StepPlan& step = plan.steps[s];
      uint64_t ls = std::max(t0, s >= 2 ? last_issue[(s - 2) % kSteps] + 1 : t0);
      if (s >= 1) ls = std::max(ls, load_handed[(s - 1) % kSteps] + 1);
      load_handed[s % kSteps] = ls;
      begin_job(read_, ls, 0, steps);
      add_window(d.in_addr, d, step.window);
      if (d.op == Op::eltwise && d.inputs == 2) add_window(d.in2_addr, d, step.window);
      if (conv) {
        add(d.weight_addr + layout->block_offset(step.group, step.mt, step.nt),
            layout->block_bytes(step.group, step.mt, step.nt));
        if (step.loads_bias) {
          const uint64_t mc = std::min(tm, layout->out_per_group() - step.mt * tm);
          const uint64_t oc0 = uint64_t(step.group) * layout->out_per_group() + uint64_t(step.mt) * tm;
          add(d.bias_addr + oc0 * kBiasBytes, mc * kBiasBytes);
        }
      }
      end_job();
      ++loads;
      moved = true;
    }
    // step s: once its load is done and, first in tile t, the store of tile t-2 has freed the
    // output half.
    while (steps < loads) {
      const size_t s = steps;
      const uint64_t at = read_.job(s).done;
      while (step_tile < T && s >= plan.tiles[step_tile].first_step + plan.tiles[step_tile].steps) ++step_tile;
      const uint32_t t = uint32_t(step_tile);
      const TilePlan& tile = plan.tiles[t];
      const bool first = s == tile.first_step;
      if (at == kUnknown || (first && t >= 2 && (stores <= t - 2 || store_end(t - 2) == kUnknown))) break;
      const uint64_t ls = load_handed[s % kSteps];
      // busy cycles of overlapping load jobs count once
      st.load_cycles += at - std::max(ls, std::min(load_busy_until, at));
      load_busy_until = at;
      mark(ls, Sig::dma_rd_busy, 1);
      mark(at, Sig::dma_rd_busy, 0);
      // The engine raises the half's filled bit with the job's last beat (cycle at - 1): the
      // compute unit sees it in cycle `at`.
      const uint64_t seen = at;
      const uint64_t out_free = first && t >= 2 ? store_end(t - 2) + 1 : t0;
      const uint64_t pixels = uint64_t(tile.nr) * tile.ncol;
      uint64_t r0;
      if (conv) {
        // The first piece's weights preload once the half is filled and the shadow set is free
        // (the previous round has started); a round starts G cycles after its preload.
        const uint64_t x0 = std::max(seen, s > 0 ? round_start : t0);
        r0 = std::max(x0 + G, out_free);
        if (s > 0) r0 = std::max(r0, round_start + (first ? round_len : std::max(round_len, H)));
        busy(x0, x0 + G - 1);
        const uint64_t spacing = std::max({pixels, G, H});
        round_start = r0 + (pieces - 1) * spacing;
        round_len = pixels;
        last_issue[s % kSteps] = round_start + pixels - 1;
      } else {
        r0 = std::max(seen, out_free);
        if (s > 0) r0 = std::max(r0, last_issue[(s - 1) % kSteps] + 1);
        const uint64_t issues = d.op == Op::eltwise ? pixels : pixels * d.kernel * d.kernel;
        last_issue[s % kSteps] = r0 + issues - 1;
      }
      mark(r0, Sig::tile, t);
      mark(r0, Sig::step, s);
      busy(r0, last_issue[s % kSteps] + D - 1);
      last_retire = last_issue[s % kSteps] + D - 1;
      if (s + 1 == tile.first_step + tile.steps) tile_retire[t] = last_retire;
      ++steps;
      moved = true;
    }
    // store(t): after store(t-1), the cycle after the tile's last accumulation; the PPU fills,
    // then the tile's rows go out (one transfer per channel when the tile spans whole rows,
    // else per row).
    while (stores < T) {
      const size_t t = stores;
      const TilePlan& tile = plan.tiles[t];
      if (steps < tile.first_step + tile.steps || (t > 0 && store_end(t - 1) == kUnknown)) break;
      const uint64_t ss = std::max(t > 0 ? store_end(t - 1) : t0, tile_retire[t] + 1);
      // The units still read the ends of store(t-2) (a tile's first step) and of the stores
      // not yet accounted.
      begin_job(write_, ss, ss + arch_.ppu.latency_cycles, std::min<size_t>(stores_seen, step_tile >= 2 ? step_tile - 2 : 0));
      const bool whole_rows = tile.ncol == d.out_w;
      for (uint32_t m = 0; m < tile.mc; ++m) {
        const uint64_t ch = uint64_t(d.out_c_offset) + tile.oc0 + m;
        for (uint32_t r = 0; r < tile.nr; r = whole_rows ? tile.nr : r + 1) {
          const uint64_t rows = whole_rows ? tile.nr : 1;
          add(d.out_addr + ((ch * d.out_h + tile.r0 + r) * d.out_w + tile.c0) * ab, rows * tile.ncol * ab);
        }
      }
      end_job();
      store_handed[t] = ss;
      ++stores;
      moved = true;
    }
    while (stores_seen < stores && store_end(stores_seen) != kUnknown) {
      const size_t t = stores_seen++;
      const uint64_t ss = store_handed[t], at = store_end(t);
      st.store_cycles += at - ss;
      mark(ss, Sig::ppu_busy, 1);
      mark(ss, Sig::dma_wr_busy, 1);
      mark(at, Sig::ppu_busy, 0);
      mark(at, Sig::dma_wr_busy, 0);
      moved = true;
    }
    if (!moved && !serve_to_job_end()) throw std::logic_error("fast timing: the units wait on each other");
  }
  st.compute_cycles = compute;
  st.stall_cycles = last_retire + 1 - t0 - compute;
  // the controller sees the layer done a cycle later
  st.end_cycle = (T > 0 ? store_end(T - 1) : t0) + 1;
  st.dram_read_bytes = memory_->stats().read_bytes - before.read_bytes;
  st.dram_write_bytes = memory_->stats().write_bytes - before.write_bytes;
}

}  // namespace shiftsim::models
