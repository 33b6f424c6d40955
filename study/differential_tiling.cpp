#include "study/differential_tiling.h"

#include <algorithm>
#include <cmath>

#include "models/control/layer_plan.h"
#include "models/pe_array/weight_layout.h"

namespace shiftsim::sim {

namespace {
using models::Descriptor;

constexpr uint32_t kMaxKib = 1u << 20;  // the arch loader's limit for one buffer half

// The least kib in [1, kMaxKib] for which ok(kib) holds (ok is monotone), kMaxKib when none.
template <class Ok>
uint32_t least_kib(Ok ok) {
  uint32_t lo = 1, hi = kMaxKib;
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (ok(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
}  // namespace

bool choose_all_tiles(std::vector<Descriptor>& passes, const models::ArchSpec& arch) {
  for (Descriptor& d : passes)
    if (!models::choose_tiles(d, arch).empty()) return false;
  return true;
}

BufferBounds buffer_bounds(const std::vector<Descriptor>& passes, models::ArchSpec arch,
                           uint32_t models::BufferSpec::*buffer) {
  arch.buffers = {kMaxKib, kMaxKib, kMaxKib};
  auto fits = [&](uint32_t kib, bool whole) {
    arch.buffers.*buffer = kib;
    for (Descriptor d : passes) {
      if (!models::choose_tiles(d, arch).empty()) return false;
      if (whole && (d.tile_rows != d.out_h || d.tile_cols != d.out_w)) return false;
    }
    return true;
  };
  BufferBounds b;
  b.smallest_tile_kib = least_kib([&](uint32_t kib) { return fits(kib, false); });
  b.whole_layer_kib = least_kib([&](uint32_t kib) { return fits(kib, true); });
  return b;
}

namespace {
// A rough pipeline depth and a step's issue cycles: the estimate only has to rank cases by
// cost (it decides which draws a seed keeps), not to match the contract.
uint64_t rough_depth(const models::ArchSpec& arch) {
  uint64_t tree = 0;
  while ((uint64_t(1) << tree) < uint64_t(arch.pe_array.vector) * arch.pe_array.kernel * arch.pe_array.kernel) ++tree;
  return arch.pe_array.product_stages + tree + 1;
}

uint64_t issue_cycles(const Descriptor& d, const models::TilePlan& t, const models::LayerPlan& plan, uint64_t depth) {
  const uint64_t pixels = uint64_t(t.nr) * t.ncol;
  if (d.op == models::Op::conv) return std::max<uint64_t>(pixels * plan.pieces, depth);
  if (d.op == models::Op::eltwise) return pixels;
  return pixels * d.kernel * d.kernel;
}
}  // namespace

WorkEstimate estimate_work(const std::vector<Descriptor>& passes, const models::ArchSpec& arch) {
  const uint64_t depth = rough_depth(arch);
  const double clock = arch.clock_mhz;
  const double bytes_per_cycle = std::min<double>(arch.dram.width_bytes, arch.dram.peak_gbps * 1000.0 / clock);
  const double latency = std::ceil(arch.dram.latency_ns * clock / 1000.0);
  const double ab = models::act_bytes(arch);
  const double weight_bits = models::weight_element_bits(arch);
  auto transfer = [&](double bytes) { return latency + bytes / bytes_per_cycle; };
  WorkEstimate w;
  double cycles = 7.0 * arch.host.reg_access_cycles;  // the host's register accesses
  for (const Descriptor& d : passes) {
    const models::LayerPlan plan = models::plan_layer(d, arch);
    cycles += transfer(models::kDescriptorBytes) + 1;
    w.tiles += plan.tiles.size();
    w.steps += plan.steps.size();
    if (plan.tiles.size() > 1) ++w.multi_tile_passes;
    if (d.tile_cols < d.out_w) ++w.column_tiled_passes;
    else if (d.tile_rows < d.out_h) ++w.row_tiled_passes;
    for (const models::TilePlan& t : plan.tiles) {
      if (t.steps > 1) ++w.multi_step_tiles;
      for (uint32_t s = t.first_step; s < t.first_step + t.steps; ++s) {
        const models::StepPlan& step = plan.steps[s];
        double bytes = double(step.window.elements()) * ab * (d.op == models::Op::eltwise ? d.inputs : 1);
        if (d.op == models::Op::conv)
          bytes += double(t.mc) * step.nc * d.kernel * d.kernel * weight_bits / 8 + (step.loads_bias ? 8.0 * t.mc : 0);
        cycles += std::max(double(issue_cycles(d, t, plan, depth)), transfer(bytes));
      }
      cycles += depth + arch.ppu.latency_cycles + transfer(double(t.mc) * t.nr * t.ncol * ab);
    }
  }
  w.cycles = uint64_t(cycles);
  return w;
}

}  // namespace shiftsim::sim
