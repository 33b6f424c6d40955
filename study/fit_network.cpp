#include "study/fit_network.h"

#include <algorithm>
#include <optional>

#include "models/fast/fast_timing.h"
#include "models/control/layer_plan.h"
#include "models/pe_array/weight_layout.h"

namespace shiftsim::sim {

using models::Descriptor;
using models::Op;

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

// The pass's own layer plan and weight layout, timed on `timing` from cycle `now`; returns the
// end of its last store. Addresses are the FitPass's region offsets (see there).
uint64_t time_pass(const FitPass& p, const models::ArchSpec& arch, models::FastTiming& timing,
                   uint64_t now) {
  const models::LayerPlan plan = models::plan_layer(p.desc, arch);
  std::optional<models::WeightLayout> layout;
  if (p.desc.op == Op::conv) layout.emplace(p.desc, arch);
  models::LayerStats st;
  timing.time_pass(p.desc, plan, layout ? &*layout : nullptr,
                   uint64_t(p.index) * models::kDescriptorBytes, now, st);
  return st.end_cycle;
}

}  // namespace

uint64_t pass_cycles(const FitPass& tiled, const models::ArchSpec& arch) {
  models::FastTiming timing(arch);
  // Any start after the channels' last use (cycle 0) times the same; 1 is the earliest.
  const uint64_t start = 1;
  return time_pass(tiled, arch, timing, start) - start;
}

NetworkCycles network_cycles(const std::vector<FitPass>& input, size_t layers,
                             const models::ArchSpec& arch, bool conv_only) {
  NetworkCycles r;
  std::vector<FitPass> passes = input;
  r.problem = tile_passes(passes, arch);
  if (!r.problem.empty()) return r;
  r.layer_cycles.assign(layers, 0);
  models::FastTiming timing(arch);
  const uint64_t R = arch.host.reg_access_cycles;
  // The host's four register writes (DESC_LO, DESC_HI, DESC_COUNT, CTRL) start the machine.
  uint64_t now = 4 * R;
  for (const FitPass& p : passes) {
    r.tile_rows.push_back(p.desc.tile_rows);
    r.tile_cols.push_back(p.desc.tile_cols);
    if (conv_only && !p.conv_layer) continue;
    const uint64_t layer_start = now;
    now = time_pass(p, arch, timing, now);
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
