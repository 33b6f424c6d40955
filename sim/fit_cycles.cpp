#include "sim/fit_cycles.h"

#include <algorithm>
#include <optional>

#include "models/controller.h"
#include "models/dram_timing.h"
#include "models/layer_plan.h"
#include "models/weight_layout.h"

namespace shiftsim::sim {

using models::Descriptor;
using models::Op;

namespace {

// One DRAM channel as models::Dram times it: a burst pays the latency unless it starts in
// the cycle the channel's previous burst ended.
struct Channel {
  const models::DramTiming& timing;
  uint64_t end = 0;
  // A contiguous transfer issued at `at` (bursts back to back); returns when it ends.
  uint64_t transfer(uint64_t at, uint64_t addr, uint64_t bytes, std::vector<models::Burst>& tmp) {
    tmp.clear();
    timing.split(addr, bytes, tmp);
    for (const models::Burst& b : tmp) {
      at += (at == end ? 0 : timing.latency_cycles()) + timing.data_cycles(b.addr, b.bytes);
      end = at;
    }
    return at;
  }
};

// The load unit's reads of one window (models/units.cpp LoadUnit::load_window), back to back.
uint64_t load_window(Channel& ch, uint64_t at, uint64_t base, const Descriptor& d,
                     const models::Window& w, uint32_t ab, std::vector<models::Burst>& tmp) {
  models::for_each_window_read(d, w, [&](int32_t c, int32_t chans, int32_t y, int32_t rows, int32_t xlo, int32_t cols) {
    const uint64_t c_abs = uint64_t(w.ch0 + c);
    at = ch.transfer(at, base + ((c_abs * d.in_h + y) * d.in_w + xlo) * ab,
                     uint64_t(chans) * rows * cols * ab, tmp);
  });
  return at;
}

// Region offsets of the second input of an element-wise add. Any 4 KiB-aligned base times
// the same; 0 keeps it simple (see FitPass).
constexpr uint64_t kRegion = 0;

}  // namespace

std::string tile_passes(std::vector<FitPass>& passes, const models::ArchSpec& arch) {
  for (FitPass& p : passes) {
    const std::string why = models::choose_tiles(p.desc, arch);
    if (!why.empty()) return why;
  }
  return {};
}

uint64_t conv_cycles_lower_bound(const std::vector<FitPass>& passes, const models::ArchSpec& arch) {
  const uint64_t tm = arch.pe_array.lanes, tn = arch.pe_array.vector, k = arch.pe_array.kernel;
  uint64_t lb = 0;
  for (const FitPass& p : passes) {
    if (!p.conv_layer) continue;
    const Descriptor& d = p.desc;
    const uint64_t cg = d.in_c / d.groups, mg = d.out_c / d.groups;
    const uint64_t pieces = (d.kernel + k - 1) / k * ((d.kernel + k - 1) / k);
    lb += uint64_t(d.groups) * ((mg + tm - 1) / tm) * ((cg + tn - 1) / tn) * d.out_h * d.out_w * pieces;
  }
  return lb;
}

uint64_t network_cycles_lower_bound(const std::vector<FitPass>& passes, const models::ArchSpec& arch) {
  const uint64_t tm = arch.pe_array.lanes, tn = arch.pe_array.vector, k = arch.pe_array.kernel;
  const uint64_t bits = models::weight_element_bits(arch), width = arch.dram.width_bytes;
  uint64_t lb = 0;
  for (const FitPass& p : passes) {
    const Descriptor& d = p.desc;
    if (d.op != Op::conv) continue;
    const uint64_t cg = d.in_c / d.groups, mg = d.out_c / d.groups;
    const uint64_t pieces = (d.kernel + k - 1) / k * ((d.kernel + k - 1) / k);
    const uint64_t issue = uint64_t(d.groups) * ((mg + tm - 1) / tm) * ((cg + tn - 1) / tn) * d.out_h * d.out_w * pieces;
    const uint64_t weight_bytes = uint64_t(d.out_c) * cg * d.kernel * d.kernel * bits / 8;
    lb += std::max(issue, weight_bytes / width);
  }
  return lb;
}

namespace {

// Times one tiled pass issued at `now` on channels `rd` / `wr` (their state carries over from
// the previous pass); returns the end of its last store.
uint64_t time_pass(const FitPass& p, const models::ArchSpec& arch, Channel& rd, Channel& wr,
                   uint64_t now) {
  std::vector<models::Burst> tmp;
  const uint32_t ab = models::act_bytes(arch);
  const Descriptor& d = p.desc;
  // Controller (models/controller.cpp): fetch, decode, publish the plan.
  const uint64_t fetch_end =
      rd.transfer(now, uint64_t(p.index) * models::kDescriptorBytes, models::kDescriptorBytes, tmp);
  const uint64_t t0 = fetch_end + models::kDecodeCycles;
  const models::LayerPlan plan = models::plan_layer(d, arch);
  std::optional<models::WeightLayout> layout;
  if (d.op == Op::conv) layout.emplace(d, arch);
  const size_t steps = plan.steps.size();
  // Ends of the last two loads / computes / stores; each unit runs its jobs in order.
  uint64_t load_prev = t0, comp_prev = t0, comp_prev2 = t0;
  uint64_t store_prev = t0, store_prev2 = t0;
  size_t tile = 0;
  for (size_t s = 0; s < steps; ++s) {
    const models::StepPlan& st = plan.steps[s];
    // load(s): after load(s-1) and compute(s-2) (its buffer half is free).
    uint64_t at = std::max(load_prev, s >= 2 ? comp_prev2 : t0);
    at = load_window(rd, at, kRegion, d, st.window, ab, tmp);
    if (d.op == Op::eltwise && d.inputs == 2) at = load_window(rd, at, kRegion, d, st.window, ab, tmp);
    if (d.op == Op::conv) {
      at = rd.transfer(at, layout->block_offset(st.group, st.mt, st.nt),
                       layout->block_bytes(st.group, st.mt, st.nt), tmp);
      if (st.loads_bias) {
        const uint32_t mc = std::min(arch.pe_array.lanes,
                                     layout->out_per_group() - st.mt * arch.pe_array.lanes);
        const uint64_t oc0 = uint64_t(st.group) * layout->out_per_group() + st.mt * arch.pe_array.lanes;
        at = rd.transfer(at, oc0 * models::kBiasBytes, uint64_t(mc) * models::kBiasBytes, tmp);
      }
    }
    load_prev = at;
    // compute(s): after compute(s-1), load(s) and, on a tile's first step, store(t-2).
    const models::TilePlan& tp = plan.tiles[tile];
    const bool first = s == tp.first_step, last = s + 1 == size_t(tp.first_step) + tp.steps;
    uint64_t cs = std::max(comp_prev, load_prev);
    if (first && tile >= 2) cs = std::max(cs, store_prev2);
    const uint64_t ce = cs + st.compute_cycles + (last && d.op == Op::conv ? plan.pipe_depth : 0);
    comp_prev2 = comp_prev;
    comp_prev = ce;
    if (!last) continue;
    // store(t): after store(t-1) and the tile's last compute; the PPU fills first.
    uint64_t ss = std::max(store_prev, ce) + arch.ppu.latency_cycles;
    const bool whole_rows = tp.ncol == d.out_w;
    for (uint32_t m = 0; m < tp.mc; ++m) {
      const uint64_t ch = uint64_t(d.out_c_offset) + tp.oc0 + m;
      for (uint32_t row = 0; row < tp.nr; row = whole_rows ? tp.nr : row + 1) {
        const uint32_t rows = whole_rows ? tp.nr : 1;
        ss = wr.transfer(ss, ((ch * d.out_h + tp.r0 + row) * d.out_w + tp.c0) * ab,
                         uint64_t(rows) * tp.ncol * ab, tmp);
      }
    }
    store_prev2 = store_prev;
    store_prev = ss;
    ++tile;
  }
  return store_prev;  // the controller fetches the next descriptor when the last store ends
}

}  // namespace

uint64_t pass_cycles(const FitPass& tiled, const models::ArchSpec& arch) {
  const models::DramTiming timing(arch.dram, arch.clock_mhz);
  Channel rd{timing}, wr{timing};
  // Any start after the channels' last use (cycle 0) times the same; 1 is the earliest.
  const uint64_t start = 1;
  return time_pass(tiled, arch, rd, wr, start) - start;
}

NetworkCycles network_cycles(const std::vector<FitPass>& input, size_t layers,
                             const models::ArchSpec& arch, bool conv_only) {
  NetworkCycles r;
  std::vector<FitPass> passes = input;
  r.problem = tile_passes(passes, arch);
  if (!r.problem.empty()) return r;
  r.layer_cycles.assign(layers, 0);
  const models::DramTiming timing(arch.dram, arch.clock_mhz);
  Channel rd{timing}, wr{timing};
  const uint64_t R = arch.host.reg_access_cycles;
  // The host's four register writes (DESC_LO, DESC_HI, DESC_COUNT, CTRL) start the machine.
  uint64_t now = 4 * R;
  for (const FitPass& p : passes) {
    r.tile_rows.push_back(p.desc.tile_rows);
    r.tile_cols.push_back(p.desc.tile_cols);
    if (conv_only && !p.conv_layer) continue;
    const uint64_t layer_start = now;
    now = time_pass(p, arch, rd, wr, now);
    const uint64_t cycles = now - layer_start;
    r.layer_cycles[size_t(p.layer)] += cycles;
    if (p.conv_layer) r.conv_cycles += cycles;
    if (p.conv_layer) r.conv_macs += p.macs;
    r.macs += p.macs;
  }
  // The host then reads STATUS, CYCLES_LO and CYCLES_HI: 7 register accesses in all.
  r.total = now - 4 * R + 7 * R;
  return r;
}

}  // namespace shiftsim::sim
