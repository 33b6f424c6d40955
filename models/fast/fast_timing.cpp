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
      depth_(pipeline_depth(arch)) {
  fetch_.who = DramInitiator::fetch;
  read_.who = DramInitiator::load;
  write_.who = DramInitiator::store;
}

uint32_t FastTiming::pipeline_depth(const ArchSpec& arch) {
  const uint64_t products = uint64_t(arch.pe_array.vector) * arch.pe_array.kernel * arch.pe_array.kernel;
  const uint32_t tree = clog2(products);
  // The window's read, products and adder tree (the accumulator's entry read overlaps them),
  // the accumulate stage.
  const BufferSpec& b = arch.buffers;
  return b.input_read_latency + std::max(arch.pe_array.product_stages + tree, b.output_read_latency) + 1;
}

void FastTiming::add(uint64_t addr, uint64_t bytes) { dram_timing_.split(addr, bytes, bursts_); }

size_t FastTiming::queue_job(Engine& e, uint64_t handed, uint64_t data_ready) {
  Job job;
  job.handed = handed;
  job.data_ready = data_ready;
  if (bursts_.empty()) job.done = handed;
  e.jobs.push_back(job);
  const size_t id = e.jobs.size() - 1;
  const uint64_t width = dram_timing_.width_bytes();
  uint64_t offset = 0;
  for (size_t i = 0; i < bursts_.size(); ++i) {
    const Burst& burst = bursts_[i];
    const uint64_t beats = (burst.addr + burst.bytes - 1) / width - burst.addr / width + 1;
    e.queue.push_back({burst, offset, beats, id, i + 1 == bursts_.size()});
    offset += beats;
  }
  bursts_.clear();
  return id;
}

uint64_t FastTiming::next_issue(const Engine& e) const {
  if (e.queue.empty()) return kUnknown;
  const uint64_t outstanding = arch_.dma.outstanding;
  // The engine takes a job at the edge after it is handed; one request a cycle, each waiting
  // for a free slot: the burst `outstanding` back has moved its data.
  const uint64_t slot = e.bursts >= outstanding ? e.ends[e.bursts % outstanding] + 1 : 0;
  return std::max({e.jobs[e.queue.front().job].handed + 1, e.last_issue + 1, slot});
}

void FastTiming::serve(Engine& e) {
  const uint64_t issue = next_issue(e);
  const QueuedBurst q = e.queue.front();
  e.queue.pop_front();
  const uint64_t outstanding = arch_.dma.outstanding;
  if (e.ends.size() != outstanding) e.ends.assign(outstanding, 0);
  const bool write = e.who == DramInitiator::store;
  const Burst& burst = q.burst;
  const uint64_t beats = q.beats;
  const MemAccess a = memory_->access(write, issue, burst.addr, burst.bytes);
  // Its beats follow the previous burst's on the data channel, once the DRAM has them (and,
  // writing, once the source has produced them); the last waits for the DRAM's last data.
  Job& job = e.jobs[q.job];
  uint64_t first = std::max(a.first, e.data_end + 1);
  if (write) first = std::max(first, job.data_ready + q.offset);
  e.data_end = std::max(first + beats - 1, a.last);
  e.last_issue = issue;
  e.ends[e.bursts % outstanding] = e.data_end;
  ++e.bursts;
  if (q.last) job.done = e.data_end + 1;
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
  serve(*best);
  return true;
}

uint64_t FastTiming::finish(Engine& e, size_t job) {
  while (e.jobs[job].done == kUnknown)
    if (!serve_next()) throw std::logic_error("fast timing: a DMA job that never ends");
  return e.jobs[job].done;
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
  for (Engine* e : {&fetch_, &read_, &write_}) e->jobs.clear();
  st.start_cycle = now;
  // §3: the fetch, one decode cycle, the layer registers raised; the units act a cycle later.
  add(desc_at, kDescriptorBytes);
  const uint64_t t0 = finish(fetch_, queue_job(fetch_, now)) + kDecode + 1;
  const uint32_t tm = arch_.pe_array.lanes, k = arch_.pe_array.kernel;
  const bool conv = d.op == Op::conv;
  // §6: pipeline depth, weight preload and accumulator hazard distances.
  const uint64_t D = conv ? depth_ : buf.input_read_latency + 1;
  const uint64_t G = buf.weight_read_latency + 1, H = buf.output_read_latency + 1;
  const uint64_t kp = (d.kernel + k - 1) / k, pieces = conv ? kp * kp : 1;
  const uint64_t ab = act_bytes(arch_);
  const size_t S = plan.steps.size(), T = plan.tiles.size();
  PassState& ps = pass_;
  ps.tile_of.resize(S);
  for (size_t t = 0; t < T; ++t)
    for (uint32_t s = 0; s < plan.tiles[t].steps; ++s) ps.tile_of[plan.tiles[t].first_step + s] = uint32_t(t);
  // Every entry is written before it is read: no clearing needed.
  ps.last_issue.resize(S);
  ps.load_handed.resize(S);
  ps.load_job.resize(S);
  ps.tile_retire.resize(T);
  ps.store_handed.resize(T);
  ps.store_job.resize(T);
  read_.jobs.reserve(S);
  write_.jobs.reserve(T);
  auto& tile_of = ps.tile_of;
  auto& last_issue = ps.last_issue;
  auto& load_handed = ps.load_handed;
  auto& load_job = ps.load_job;
  auto& tile_retire = ps.tile_retire;
  auto& store_handed = ps.store_handed;
  auto& store_job = ps.store_job;
  // The compute unit's state between steps: the last round's first issue and length.
  uint64_t round_start = 0, round_len = 0, busy_end = 0, compute = 0, last_retire = t0;
  uint64_t load_busy_until = 0;
  auto busy = [&](uint64_t from, uint64_t to) {  // adds [from, to] to the union of busy cycles
    from = std::max(from, busy_end);
    if (to + 1 > from) compute += to + 1 - from;
    busy_end = std::max(busy_end, to + 1);
  };
  auto store_end = [&](size_t t) { return write_.jobs[store_job[t]].done; };
  // The three units as chains of jobs (§7), each advanced as far as what it waits for is
  // known; when none can move, the earliest DRAM request is served.
  size_t loads = 0, steps = 0, stores = 0, stores_seen = 0;
  while (stores_seen < T) {
    bool moved = false;
    // load(s): handed a cycle after load(s-1) was, once the compute unit has released its half
    // (step s-2).
    while (loads < S && (loads < 2 || steps >= loads - 1)) {
      const size_t s = loads;
      const StepPlan& step = plan.steps[s];
      uint64_t ls = std::max(t0, s >= 2 ? last_issue[s - 2] + 1 : t0);
      if (s >= 1) ls = std::max(ls, load_handed[s - 1] + 1);
      load_handed[s] = ls;
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
      load_job[s] = queue_job(read_, ls);
      ++loads;
      moved = true;
    }
    // step s: once its load is done and, first in tile t, the store of tile t-2 has freed the
    // output half.
    while (steps < loads) {
      const size_t s = steps;
      const uint64_t at = read_.jobs[load_job[s]].done;
      const uint32_t t = tile_of[s];
      const TilePlan& tile = plan.tiles[t];
      const bool first = s == tile.first_step;
      if (at == kUnknown || (first && t >= 2 && (stores <= t - 2 || store_end(t - 2) == kUnknown))) break;
      const uint64_t ls = load_handed[s];
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
        last_issue[s] = round_start + pixels - 1;
      } else {
        r0 = std::max(seen, out_free);
        if (s > 0) r0 = std::max(r0, last_issue[s - 1] + 1);
        const uint64_t issues = d.op == Op::eltwise ? pixels : pixels * d.kernel * d.kernel;
        last_issue[s] = r0 + issues - 1;
      }
      mark(r0, Sig::tile, t);
      mark(r0, Sig::step, s);
      busy(r0, last_issue[s] + D - 1);
      last_retire = last_issue[s] + D - 1;
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
      const bool whole_rows = tile.ncol == d.out_w;
      for (uint32_t m = 0; m < tile.mc; ++m) {
        const uint64_t ch = uint64_t(d.out_c_offset) + tile.oc0 + m;
        for (uint32_t r = 0; r < tile.nr; r = whole_rows ? tile.nr : r + 1) {
          const uint64_t rows = whole_rows ? tile.nr : 1;
          add(d.out_addr + ((ch * d.out_h + tile.r0 + r) * d.out_w + tile.c0) * ab, rows * tile.ncol * ab);
        }
      }
      store_handed[t] = ss;
      store_job[t] = queue_job(write_, ss, ss + arch_.ppu.latency_cycles);
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
    if (!moved && !serve_next()) throw std::logic_error("fast timing: the units wait on each other");
  }
  st.compute_cycles = compute;
  st.stall_cycles = last_retire + 1 - t0 - compute;
  // the controller sees the layer done a cycle later
  st.end_cycle = (T > 0 ? store_end(T - 1) : t0) + 1;
  st.dram_read_bytes = memory_->stats().read_bytes - before.read_bytes;
  st.dram_write_bytes = memory_->stats().write_bytes - before.write_bytes;
}

}  // namespace shiftsim::models
