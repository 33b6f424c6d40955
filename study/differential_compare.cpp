#include "study/differential_compare.h"

#include <algorithm>
#include <cstdio>

#include "models/control/layer_plan.h"

namespace shiftsim::sim {

namespace {
using models::LayerStats;

// A stats field added without a comparison here would let the two modes drift apart unseen:
// these sizes stop the build first. Compare the new field below, then update the size.
static_assert(sizeof(LayerStats) == 104,
              "models::LayerStats changed: compare the new field in study/differential_compare.cpp");
static_assert(sizeof(models::DramStats) == 64,
              "models::DramStats changed: compare the new field in study/differential_compare.cpp");
// SimResult::actions is not compared: both modes count it with the same function from the
// same plan and the pass's stats, so it agrees whenever the layers' stats do.
static_assert(sizeof(models::SimResult) == 2 * sizeof(uint64_t) + 2 * sizeof(std::vector<uint64_t>) +
                                               sizeof(std::vector<LayerStats>) +
                                               sizeof(std::vector<models::ComponentActions>) +
                                               sizeof(models::DramStats),
              "models::SimResult changed: compare (and send from the cycle child) the new field");

struct Differences {
  std::vector<std::string> lines;
  template <class T>
  void check(const std::string& what, T fast, T cycle) {
    if (fast != cycle)
      lines.push_back(what + ": fast " + std::to_string(fast) + ", cycle " + std::to_string(cycle));
  }
};

std::string layer_name(const quant::QuantizedNetwork& qn, size_t li) {
  const quant::Layer& l = qn.net.layers[li];
  return l.name + " (" + quant::to_string(l.type) + ")";
}

std::string pass_name(const Program& prog, const quant::QuantizedNetwork& qn, size_t i) {
  return "pass " + std::to_string(i) + " of layer " + layer_name(qn, size_t(prog.pass_layer[i]));
}

void compare_passes(Differences& d, const ModeRun& fast, const ModeRun& cycle, const Program& prog,
                    const quant::QuantizedNetwork& qn) {
  d.check("number of passes", fast.sim.layers.size(), cycle.sim.layers.size());
  const size_t n = std::min({fast.sim.layers.size(), cycle.sim.layers.size(), prog.pass_layer.size()});
  for (size_t i = 0; i < n; ++i) {
    const LayerStats& a = fast.sim.layers[i];
    const LayerStats& b = cycle.sim.layers[i];
    const std::string p = pass_name(prog, qn, i) + " ";
    auto field = [&](const char* name, auto member) { d.check(p + name, a.*member, b.*member); };
    field("layer_id", &LayerStats::layer_id);
    field("start_cycle", &LayerStats::start_cycle);
    field("end_cycle", &LayerStats::end_cycle);
    field("compute_cycles", &LayerStats::compute_cycles);
    field("stall_cycles", &LayerStats::stall_cycles);
    field("load_cycles", &LayerStats::load_cycles);
    field("store_cycles", &LayerStats::store_cycles);
    field("dram_read_bytes", &LayerStats::dram_read_bytes);
    field("dram_write_bytes", &LayerStats::dram_write_bytes);
    field("saturations", &LayerStats::saturations);
    field("tiles", &LayerStats::tiles);
    field("steps", &LayerStats::steps);
    field("tile_rows", &LayerStats::tile_rows);
    field("tile_cols", &LayerStats::tile_cols);
  }
}

void compare_run_totals(Differences& d, const models::SimResult& a, const models::SimResult& b) {
  d.check("total_cycles", a.total_cycles, b.total_cycles);
  d.check("accelerator_cycles", a.accelerator_cycles, b.accelerator_cycles);
  d.check("number of run_cycles", a.run_cycles.size(), b.run_cycles.size());
  for (size_t r = 0; r < std::min(a.run_cycles.size(), b.run_cycles.size()); ++r)
    d.check("run_cycles[" + std::to_string(r) + "]", a.run_cycles[r], b.run_cycles[r]);
  d.check("number of run_end_cycles", a.run_end_cycles.size(), b.run_end_cycles.size());
  for (size_t r = 0; r < std::min(a.run_end_cycles.size(), b.run_end_cycles.size()); ++r)
    d.check("run_end_cycles[" + std::to_string(r) + "]", a.run_end_cycles[r], b.run_end_cycles[r]);
  d.check("dram.read_bytes", a.dram.read_bytes, b.dram.read_bytes);
  d.check("dram.write_bytes", a.dram.write_bytes, b.dram.write_bytes);
  d.check("dram.read_bursts", a.dram.read_bursts, b.dram.read_bursts);
  d.check("dram.write_bursts", a.dram.write_bursts, b.dram.write_bursts);
  d.check("dram.row_hits", a.dram.row_hits, b.dram.row_hits);
  d.check("dram.row_misses", a.dram.row_misses, b.dram.row_misses);
  d.check("dram.row_conflicts", a.dram.row_conflicts, b.dram.row_conflicts);
  d.check("dram.refreshes", a.dram.refreshes, b.dram.refreshes);
}

// Which tensor a DRAM address belongs to, for a reader looking at a differing byte.
std::string dram_region(uint64_t addr, const Program& prog, const quant::QuantizedNetwork& qn,
                        const models::ArchSpec& arch) {
  const uint64_t ab = models::act_bytes(arch);
  for (size_t li = 0; li < prog.outputs.size(); ++li) {
    const TensorSlot& s = prog.outputs[li];
    if (qn.net.layers[li].type == quant::LayerType::flatten) continue;  // aliases its input
    if (addr >= s.addr && addr < s.addr + uint64_t(s.shape.elements()) * ab)
      return "the output of layer " + layer_name(qn, li) + ", element " + std::to_string((addr - s.addr) / ab);
  }
  return "outside every layer's output";
}

void compare_dram(Differences& d, const ModeRun& fast, const ModeRun& cycle, const Program& prog,
                  const quant::QuantizedNetwork& qn, const models::ArchSpec& arch) {
  d.check("final DRAM size in bytes", fast.dram.size(), cycle.dram.size());
  const size_t n = std::min(fast.dram.size(), cycle.dram.size());
  size_t first = n, count = 0;
  for (size_t i = 0; i < n; ++i)
    if (fast.dram[i] != cycle.dram[i]) {
      if (first == n) first = i;
      ++count;
    }
  if (count == 0) return;
  char bytes[64];
  std::snprintf(bytes, sizeof bytes, ": fast 0x%02x, cycle 0x%02x (", fast.dram[first], cycle.dram[first]);
  d.lines.push_back("final DRAM at address " + std::to_string(first) + " (" + dram_region(first, prog, qn, arch) +
                    ")" + bytes + std::to_string(count) + " bytes differ)");
}

void compare_with_golden(Differences& d, const char* mode, const ModeRun& run, const Program& prog,
                         const quant::QuantizedNetwork& qn, const quant::GoldenRun& golden,
                         const models::ArchSpec& arch) {
  for (size_t li = 0; li < prog.outputs.size() && li < golden.outputs.size(); ++li) {
    const std::string where = std::string(mode) + " output of layer " + layer_name(qn, li);
    quant::Tensor<int16_t> out;
    try {
      out = read_tensor(run.dram, prog.outputs[li], arch);
    } catch (const std::exception& e) {
      d.lines.push_back(where + ": " + e.what());
      continue;
    }
    const quant::Tensor<int16_t>& g = golden.outputs[li];
    size_t first = g.data.size(), count = 0;
    for (size_t e = 0; e < g.data.size(); ++e)
      if (out.data[e] != g.data[e]) {
        if (first == g.data.size()) first = e;
        ++count;
      }
    if (count == 0) continue;
    const quant::Shape& s = g.shape;
    const size_t plane = size_t(s.h) * s.w;
    d.lines.push_back(where + " differs from the golden executor's at element " + std::to_string(first) + " (c " +
                      std::to_string(first / plane) + ", y " + std::to_string(first % plane / s.w) + ", x " +
                      std::to_string(first % s.w) + "): " + mode + " " + std::to_string(out.data[first]) +
                      ", golden " + std::to_string(g.data[first]) + " (" + std::to_string(count) + " of " +
                      std::to_string(g.data.size()) + " elements differ)");
  }
  // Saturations are part of the contract's arithmetic (docs/NUMERICS.md): one per clamped output.
  for (size_t li = 0; li < qn.net.layers.size() && li < golden.saturations.size(); ++li) {
    const quant::LayerType t = qn.net.layers[li].type;
    if (t != quant::LayerType::conv && t != quant::LayerType::fc) continue;
    uint64_t sat = 0;
    for (size_t i = 0; i < prog.pass_layer.size() && i < run.sim.layers.size(); ++i)
      if (prog.pass_layer[i] == int(li)) sat += run.sim.layers[i].saturations;
    if (sat != golden.saturations[li])
      d.lines.push_back(std::string(mode) + " saturations of layer " + layer_name(qn, li) + ": " + mode + " " +
                        std::to_string(sat) + ", golden " + std::to_string(golden.saturations[li]));
  }
}
}  // namespace

std::vector<std::string> find_differences(const ModeRun& fast, const ModeRun& cycle, const Program& prog,
                                          const quant::QuantizedNetwork& qn, const quant::GoldenRun& golden,
                                          const models::ArchSpec& arch) {
  Differences d;
  compare_passes(d, fast, cycle, prog, qn);
  compare_run_totals(d, fast.sim, cycle.sim);
  compare_dram(d, fast, cycle, prog, qn, arch);
  compare_with_golden(d, "fast", fast, prog, qn, golden, arch);
  compare_with_golden(d, "cycle", cycle, prog, qn, golden, arch);
  return d.lines;
}

}  // namespace shiftsim::sim
