#include "models/fast/fast_timing.h"

#include <algorithm>
#include <vector>

#include "models/int_math.h"
#include "models/weight_layout.h"

namespace shiftsim::models {

namespace {
// The controller decodes a descriptor for one cycle before publishing its layer (§3).
constexpr uint64_t kDecode = 1;
}  // namespace

FastTiming::FastTiming(const ArchSpec& arch)
    : arch_(arch), dram_timing_(arch.dram, arch.clock_mhz), memory_(make_memory_timing(arch)),

      depth_(pipeline_depth(arch)) {
  write_.write = true;
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

uint64_t FastTiming::job(Engine& e, uint64_t handed, uint64_t data_ready) {
  if (bursts_.empty()) return handed;
  const uint64_t start = handed + 1;  // the engine takes the job at the next edge
  const uint64_t outstanding = arch_.dma.outstanding, width = dram_timing_.width_bytes();
  if (e.ends.size() != outstanding) e.ends.assign(outstanding, 0);
  uint64_t offset = 0;
  for (const Burst& burst : bursts_) {
    const uint64_t beats = (burst.addr + burst.bytes - 1) / width - burst.addr / width + 1;
    // One request a cycle, each waiting for a free slot: the burst N back has moved its data.
    uint64_t& slot = e.ends[e.bursts % outstanding];
    const uint64_t issue = std::max({start, e.last_issue + 1, e.bursts >= outstanding ? slot + 1 : 0});
    const MemAccess a = memory_->access(e.write, issue, burst.addr, burst.bytes);
    // Its beats follow the previous burst's on the data channel, once the DRAM has them (and,
    // writing, once the source has produced them); the last waits for the DRAM's last data.
    uint64_t first = std::max(a.first, e.data_end + 1);
    if (e.write) first = std::max(first, data_ready + offset);
    e.data_end = std::max(first + beats - 1, a.last);
    e.last_issue = issue;
    slot = e.data_end;
    ++e.bursts;
    offset += beats;
  }
  bursts_.clear();
  return e.data_end + 1;
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
  st.start_cycle = now;
  // §3: the fetch, one decode cycle, the layer registers raised; the units act a cycle later.
  add(desc_at, kDescriptorBytes);
  const uint64_t t0 = job(fetch_, now) + kDecode + 1;
  const uint32_t tm = arch_.pe_array.lanes, k = arch_.pe_array.kernel;
  const bool conv = d.op == Op::conv;
  // §6: pipeline depth, weight preload and accumulator hazard distances.
  const uint64_t D = conv ? depth_ : buf.input_read_latency + 1;
  const uint64_t G = buf.weight_read_latency + 1, H = buf.output_read_latency + 1;
  const uint64_t kp = (d.kernel + k - 1) / k, pieces = conv ? kp * kp : 1;
  const uint64_t ab = act_bytes(arch_);
  std::vector<uint64_t> last_issue(plan.steps.size());
  std::vector<uint64_t> store_end(plan.tiles.size());
  // The compute unit's state between steps: the last round's first issue and length.
  uint64_t round_start = 0, round_len = 0, busy_end = 0, compute = 0, last_retire = t0;
  bool any_step = false;
  auto busy = [&](uint64_t from, uint64_t to) {  // adds [from, to] to the union of busy cycles
    from = std::max(from, busy_end);
    if (to + 1 > from) compute += to + 1 - from;
    busy_end = std::max(busy_end, to + 1);
  };
  uint64_t load_prev_handed = 0, load_busy_until = 0, store_prev_end = t0;
  for (size_t t = 0; t < plan.tiles.size(); ++t) {
    const TilePlan& tile = plan.tiles[t];
    const uint64_t pixels = uint64_t(tile.nr) * tile.ncol;
    for (uint32_t s = tile.first_step; s < tile.first_step + tile.steps; ++s) {
      const StepPlan& step = plan.steps[s];
      // §7 load(s): handed to the read engine a cycle after load(s-1) was, once the compute
      // unit has released its half (step s-2).
      uint64_t ls = std::max(t0, s >= 2 ? last_issue[s - 2] + 1 : t0);
      if (s >= 1) ls = std::max(ls, load_prev_handed + 1);
      load_prev_handed = ls;
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
      const uint64_t at = job(read_, ls);
      // busy cycles of overlapping load jobs count once
      st.load_cycles += at - std::max(ls, std::min(load_busy_until, at));
      load_busy_until = at;
      mark(ls, Sig::dma_rd_busy, 1);
      mark(at, Sig::dma_rd_busy, 0);
      // The engine raises the half's filled bit with the job's last beat (cycle at - 1): the
      // compute unit sees it in cycle `at`.
      const uint64_t seen = at;
      const bool first = s == tile.first_step;
      // The output half is free once the store of tile t-2 has ended (seen a cycle later).
      const uint64_t out_free = first && t >= 2 ? store_end[t - 2] + 1 : t0;
      uint64_t r0;
      if (conv) {
        // The first piece's weights preload once the half is filled and the shadow set is free
        // (the previous round has started); a round starts G cycles after its preload.
        const uint64_t x0 = std::max(seen, any_step ? round_start : t0);
        r0 = std::max(x0 + G, out_free);
        if (any_step) r0 = std::max(r0, round_start + (first ? round_len : std::max(round_len, H)));
        busy(x0, x0 + G - 1);
        const uint64_t spacing = std::max({pixels, G, H});
        round_start = r0 + (pieces - 1) * spacing;
        round_len = pixels;
        last_issue[s] = round_start + pixels - 1;
      } else {
        r0 = std::max(seen, out_free);
        if (any_step) r0 = std::max(r0, last_issue[s - 1] + 1);
        const uint64_t issues = d.op == Op::eltwise ? pixels : pixels * d.kernel * d.kernel;
        last_issue[s] = r0 + issues - 1;
      }
      any_step = true;
      mark(r0, Sig::tile, t);
      mark(r0, Sig::step, s);
      busy(r0, last_issue[s] + D - 1);
      last_retire = last_issue[s] + D - 1;
    }
    // §7 store(t): after store(t-1), the cycle after the tile's last accumulation; the PPU
    // fills, then the tile's rows go out (one transfer per channel when the tile spans whole
    // rows, else per row).
    const uint64_t ss = std::max(store_prev_end, last_retire + 1);
    const bool whole_rows = tile.ncol == d.out_w;
    for (uint32_t m = 0; m < tile.mc; ++m) {
      const uint64_t ch = uint64_t(d.out_c_offset) + tile.oc0 + m;
      for (uint32_t r = 0; r < tile.nr; r = whole_rows ? tile.nr : r + 1) {
        const uint64_t rows = whole_rows ? tile.nr : 1;
        add(d.out_addr + ((ch * d.out_h + tile.r0 + r) * d.out_w + tile.c0) * ab, rows * tile.ncol * ab);
      }
    }
    const uint64_t at = job(write_, ss, ss + arch_.ppu.latency_cycles);
    st.store_cycles += at - ss;
    mark(ss, Sig::ppu_busy, 1);
    mark(ss, Sig::dma_wr_busy, 1);
    mark(at, Sig::ppu_busy, 0);
    mark(at, Sig::dma_wr_busy, 0);
    store_end[t] = store_prev_end = at;
  }
  st.compute_cycles = compute;
  st.stall_cycles = last_retire + 1 - t0 - compute;
  st.end_cycle = store_prev_end + 1;  // the controller sees the layer done a cycle later
  st.dram_read_bytes = memory_->stats().read_bytes - before.read_bytes;
  st.dram_write_bytes = memory_->stats().write_bytes - before.write_bytes;
}

}  // namespace shiftsim::models
