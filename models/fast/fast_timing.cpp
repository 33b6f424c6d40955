#include "models/fast/fast_timing.h"

#include <algorithm>

#include "models/weight_layout.h"

namespace shiftsim::models {

namespace {
// The controller decodes a descriptor for one cycle before publishing its layer (§3).
constexpr uint64_t kDecode = 1;
uint64_t act_bytes_of(const ArchSpec& a) { return a.numerics.act_bits <= 8 ? 1 : 2; }
}  // namespace

FastTiming::FastTiming(const ArchSpec& arch)
    : arch_(arch), dram_timing_(arch.dram, arch.clock_mhz), dram_(dram_timing_),
      depth_(pipeline_depth(arch)) {}

uint32_t FastTiming::pipeline_depth(const ArchSpec& arch) {
  const uint64_t products = uint64_t(arch.pe_array.vector) * arch.pe_array.kernel * arch.pe_array.kernel;
  uint32_t tree = 0;
  while ((uint64_t(1) << tree) < products) ++tree;
  return arch.pe_array.product_stages + tree + 1;
}

uint64_t FastTiming::transfer(bool write, uint64_t at, uint64_t addr, uint64_t bytes) {
  bursts_.clear();
  dram_timing_.split(addr, bytes, bursts_);
  for (const Burst& b : bursts_) at += dram_.burst(write, at, b.addr, b.bytes);
  return at;
}

uint64_t FastTiming::load_window(uint64_t at, uint64_t base, const Descriptor& d, const Window& w) {
  const uint64_t ab = act_bytes_of(arch_);
  for_each_window_read(d, w, [&](int32_t c, int32_t chans, int32_t y, int32_t rows, int32_t xlo, int32_t cols) {
    const uint64_t ch = uint64_t(w.ch0 + c);
    at = transfer(false, at, base + ((ch * d.in_h + y) * d.in_w + xlo) * ab, uint64_t(chans) * rows * cols * ab);
  });
  return at;
}

// §6 and §8: the array issues one pixel and one k x k piece a cycle and a step shorter than
// its pipeline waits for it; the pooling unit reads one window element a lane a cycle; the
// element-wise unit makes one output a lane a cycle.
uint64_t FastTiming::step_cycles(const Descriptor& d, const TilePlan& tile) const {
  const uint64_t pixels = uint64_t(tile.nr) * tile.ncol;
  switch (d.op) {
    case Op::conv: {
      const uint64_t kp = (d.kernel + arch_.pe_array.kernel - 1) / arch_.pe_array.kernel;
      return std::max<uint64_t>(pixels * kp * kp, depth_);
    }
    case Op::maxpool:
    case Op::avgpool: return pixels * d.kernel * d.kernel;
    case Op::eltwise: return pixels;
  }
  return pixels;
}

void FastTiming::time_pass(const Descriptor& d, const LayerPlan& plan, const WeightLayout* layout,
                           uint64_t desc_at, uint64_t now, LayerStats& st) {
  const DramStats before = dram_.stats();
  st.start_cycle = now;
  const uint64_t t0 = transfer(false, now, desc_at, kDescriptorBytes) + kDecode;
  const uint32_t tm = arch_.pe_array.lanes;
  const bool conv = d.op == Op::conv;
  // Ends of the latest jobs of each unit; a unit runs its jobs in program order.
  uint64_t load_end = t0, comp_end = t0, comp_end2 = t0, store_end = t0, store_end2 = t0;
  for (size_t t = 0; t < plan.tiles.size(); ++t) {
    const TilePlan& tile = plan.tiles[t];
    for (uint32_t s = tile.first_step; s < tile.first_step + tile.steps; ++s) {
      const StepPlan& step = plan.steps[s];
      // load(s) waits for its buffer half: compute(s-2) has released it (§7).
      const uint64_t ls = std::max(load_end, s >= 2 ? comp_end2 : t0);
      uint64_t at = load_window(ls, d.in_addr, d, step.window);
      if (d.op == Op::eltwise && d.inputs == 2) at = load_window(at, d.in2_addr, d, step.window);
      if (conv) {
        at = transfer(false, at, d.weight_addr + layout->block_offset(step.group, step.mt, step.nt),
                      layout->block_bytes(step.group, step.mt, step.nt));
        if (step.loads_bias) {
          const uint64_t mc = std::min(tm, layout->out_per_group() - step.mt * tm);
          const uint64_t oc0 = uint64_t(step.group) * layout->out_per_group() + uint64_t(step.mt) * tm;
          at = transfer(false, at, d.bias_addr + oc0 * kBiasBytes, mc * kBiasBytes);
        }
      }
      st.load_cycles += at - ls;
      mark(ls, Sig::dma_rd_busy, 1);
      mark(at, Sig::dma_rd_busy, 0);
      load_end = at;
      // compute(s): after compute(s-1), load(s), and on a tile's first step a free output half.
      const bool first = s == tile.first_step, last = s + 1 == tile.first_step + tile.steps;
      uint64_t cs = std::max(comp_end, load_end);
      if (first && t >= 2) cs = std::max(cs, store_end2);
      const uint64_t busy = step_cycles(d, tile) + (last && conv ? depth_ : 0);
      st.stall_cycles += cs - comp_end;
      if (cs > comp_end) {
        mark(comp_end, Sig::pe_stall, 1);
        mark(cs, Sig::pe_stall, 0);
      }
      mark(cs, Sig::tile, t);
      mark(cs, Sig::step, s);
      mark(cs, Sig::pe_busy, 1);
      mark(cs + busy, Sig::pe_busy, 0);
      st.compute_cycles += busy;
      comp_end2 = comp_end;
      comp_end = cs + busy;
    }
    // store(t): after store(t-1) and the tile's last compute; the PPU fills, then the tile's
    // rows go out (one transfer per channel when the tile spans whole rows, else per row).
    const uint64_t ss = std::max(store_end, comp_end);
    uint64_t at = ss + arch_.ppu.latency_cycles;
    const uint64_t ab = act_bytes_of(arch_);
    const bool whole_rows = tile.ncol == d.out_w;
    for (uint32_t m = 0; m < tile.mc; ++m) {
      const uint64_t ch = uint64_t(d.out_c_offset) + tile.oc0 + m;
      for (uint32_t r = 0; r < tile.nr; r = whole_rows ? tile.nr : r + 1) {
        const uint64_t rows = whole_rows ? tile.nr : 1;
        at = transfer(true, at, d.out_addr + ((ch * d.out_h + tile.r0 + r) * d.out_w + tile.c0) * ab,
                      rows * tile.ncol * ab);
      }
    }
    st.store_cycles += at - ss;
    mark(ss, Sig::ppu_busy, 1);
    mark(ss, Sig::dma_wr_busy, 1);
    mark(at, Sig::ppu_busy, 0);
    mark(at, Sig::dma_wr_busy, 0);
    store_end2 = store_end;
    store_end = at;
  }
  st.end_cycle = store_end;
  st.dram_read_bytes = dram_.stats().read_bytes - before.read_bytes;
  st.dram_write_bytes = dram_.stats().write_bytes - before.write_bytes;
}

}  // namespace shiftsim::models
