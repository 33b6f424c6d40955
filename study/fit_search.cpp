#include "study/fit_search.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>
#include <tuple>

#include "common/input_error.h"
#include "models/buffers/buffer_resources.h"
#include "models/int_math.h"
#include "models/control/layer_plan.h"
#include "models/machine_resources.h"
#include "models/pe_array/array_kind.h"
#include "models/pe_array/weight_layout.h"

namespace shiftsim::sim {

namespace {

// The ranked figure and the GOP/s of a candidate whose cycles are set (one MAC = 2 ops); under
// the conv objective only the conv layers count.
void score(FitCandidate& cand, bool network_objective) {
  NetworkCycles& nc = cand.cycles;
  const double mhz = cand.arch.clock_mhz;
  if (network_objective) {
    cand.objective = nc.total;
    cand.gops = 2.0 * double(nc.macs) * mhz / double(nc.total) / 1e3;
  } else {
    nc.total = 0;
    nc.macs = 0;
    cand.objective = nc.conv_cycles;
  }
  cand.conv_gops = nc.conv_cycles ? 2.0 * double(nc.conv_macs) * mhz / double(nc.conv_cycles) / 1e3 : 0;
}

// The search times its candidates on the fixed-latency DRAM with the base's latency_ns: there
// a pass times the same whatever ran before it and wherever its regions lie, so per-pass
// replays memoise. A DDR4 base's shortlist is timed again on the DDR4 (fit_search).
models::ArchSpec ranking_arch(models::ArchSpec a) {
  a.dram.model = models::DramModel::fixed;
  return a;
}

using models::ceil_div;
uint32_t kib_for(uint64_t bytes) { return uint32_t(std::max<uint64_t>(1, ceil_div(bytes, 1024))); }
uint32_t pow2_at_least(uint32_t x) {
  uint32_t p = 1;
  while (p < x) p *= 2;
  return p;
}

// The smallest buffer halves (KiB) in which every pass's smallest tile fits: the 1 x 1 tile
// of docs/ARCHITECTURE.md §5 (models/control/layer_plan.cpp need_for).
struct MinBuffers {
  uint32_t input = 1, weight = 1, output = 1;
};

MinBuffers min_buffers(const std::vector<FitPass>& passes, const models::ArchSpec& a) {
  const uint64_t ab = models::act_bytes(a), cb = models::acc_bytes(a);
  const uint64_t tm = a.pe_array.lanes, tn = a.pe_array.vector;
  uint64_t in = 0, w = 0;
  for (const FitPass& p : passes) {
    const models::Descriptor& d = p.desc;
    const uint64_t k2 = uint64_t(d.kernel) * d.kernel;
    if (d.op == models::Op::eltwise)
      in = std::max(in, uint64_t(d.inputs) * tm * ab);
    else
      in = std::max(in, (d.op == models::Op::conv ? tn : tm) * k2 * ab);
    if (d.op == models::Op::conv)
      w = std::max(w, ceil_div(tm * tn * k2 * models::weight_element_bits(a), 8));
  }
  return {kib_for(in), kib_for(w), kib_for(tm * cb)};
}

// The resource model with its defaults but the buffers' placement: DSPs as synthesis maps
// them, no guard bits (docs/RESOURCES.md); buffers in BRAM36 or, with buffers_in_uram, URAM288.
models::Resources estimate(const models::ArchSpec& a, const models::ResourceOptions& ro = {}) {
  return models::total(models::estimate_resources(a, ro));
}

// A lower bound on the three buffers' BRAM36 (or URAM288: 72 bits wide too), from their widths alone: no BRAM36 or RAMB18
// configuration stores more than 72 bits of width per block (UG573: 512 x 72, or 512 x 36
// for half a block), and each buffer has two halves. models::bram36_for finds the exact count
// by a dynamic program over the width, whose cost grows with it (a 1024 x 1024 x 5 x 5 array's
// weight buffer is 78 M bits wide); this skips such shapes without calling it.
double buffer_bram_lower_bound(const models::ArchSpec& a) {
  const auto& pe = a.pe_array;
  const double weight = double(pe.lanes) * pe.vector * pe.kernel * pe.kernel * a.numerics.weight_bits;
  const double input = double(pe.kernel) * pe.kernel * pe.vector * a.numerics.act_bits;  // k^2 banks
  const double output = double(pe.lanes) * a.numerics.acc_bits;
  return 2 * (weight + input + output) / 72;
}

// Tiles of the timed passes (every pass, or the conv ones): two buffer choices with the same
// tiles time the same.
std::vector<uint32_t> tile_signature(std::vector<FitPass>& tiled, bool all) {
  std::vector<uint32_t> sig;
  for (const FitPass& p : tiled)
    if (all || p.conv_layer) {
      sig.push_back(p.desc.tile_rows);
      sig.push_back(p.desc.tile_cols);
    }
  return sig;
}

bool better(const FitCandidate& a, const FitCandidate& b) {
  if (a.objective != b.objective) return a.objective < b.objective;
  return a.max_util < b.max_util;
}

std::string kib_triple(const models::BufferSpec& b) {
  return std::to_string(b.input_kib) + "/" + std::to_string(b.weight_kib) + "/" +
         std::to_string(b.output_kib) + " KiB";
}

}  // namespace

models::Resources fit_estimate(const models::ArchSpec& a, const models::ResourceOptions& ro) {
  return estimate(a, ro);
}

FitSpace default_fit_space() {
  FitSpace s;
  for (uint32_t p = 1; p <= 1024; p *= 2) {
    s.lanes.push_back(p);
    if (3 * p <= 1024) s.lanes.push_back(3 * p);
  }
  std::sort(s.lanes.begin(), s.lanes.end());
  s.lanes.erase(std::unique(s.lanes.begin(), s.lanes.end()), s.lanes.end());
  s.vector = s.lanes;
  s.kernels = {1, 2, 3, 4, 5};
  return s;
}

models::Resources device_budget(const DeviceSpec& d) {
  models::Resources r;
  r.lut = double(d.lut);
  r.ff = double(d.ff);
  r.dsp = double(d.dsp);
  r.bram36 = double(d.bram36);
  r.uram = double(d.uram);
  return r;
}

double max_fraction(const models::Resources& need, const DeviceSpec& d) {
  const models::Resources b = device_budget(d);
  double m = 0;
  models::for_each_resource(need, b, [&m](const char*, double n, double have) {
    if (n <= 0) return;
    m = std::max(m, have > 0 ? n / have : std::numeric_limits<double>::infinity());
  });
  return m;
}

std::vector<std::string> over_cap(const models::Resources& need, const DeviceSpec& d, double max_util) {
  const models::Resources b = device_budget(d);
  std::vector<std::string> out;
  models::for_each_resource(need, b, [&](const char* name, double n, double have) {
    const double cap = have * max_util;
    if (n <= cap) return;
    std::ostringstream s;
    s << name << ": need " << std::ceil(n) << ", budget " << std::floor(cap);
    if (max_util < 1) s << " (" << std::lround(100 * max_util) << "% of the device's " << have << ")";
    out.push_back(s.str());
  });
  return out;
}

FitResult fit_search(const quant::Network& net, const FitOptions& opt) {
  FitResult res;
  const double cap = opt.max_util;
  const size_t layers = net.layers.size();
  // The passes for each array shape (their addresses depend on it: fit_passes.h).
  std::map<std::tuple<uint32_t, uint32_t, uint32_t>, std::vector<FitPass>> passes_by_shape;
  auto passes_for = [&](const models::ArchSpec& a) -> const std::vector<FitPass>& {
    const auto key = std::make_tuple(a.pe_array.lanes, a.pe_array.vector, a.pe_array.kernel);
    auto it = passes_by_shape.find(key);
    if (it == passes_by_shape.end()) it = passes_by_shape.emplace(key, fit_passes(net, a)).first;
    return it->second;
  };
  auto shaped = [&](uint32_t tm, uint32_t tn, uint32_t k) {
    models::ArchSpec a = opt.base;
    a.pe_array.lanes = tm;
    a.pe_array.vector = tn;
    a.pe_array.kernel = k;
    const MinBuffers mb = min_buffers(passes_for(a), a);
    a.buffers = {pow2_at_least(mb.input), mb.weight, pow2_at_least(mb.output)};
    return a;
  };
  // Refuse early, naming the resources, when even the smallest design does not fit.
  {
    const models::ArchSpec a = shaped(1, 1, 1);
    const std::vector<std::string> over = over_cap(estimate(a), opt.device, cap);
    models::ResourceOptions uram;
    uram.buffers_in_uram = true;
    const bool fits_uram = opt.try_uram && opt.device.uram > 0 && over_cap(estimate(a, uram), opt.device, cap).empty();
    if (!over.empty() && !fits_uram) {
      std::string msg = "device " + opt.device.name + " (" + opt.device.part +
                        ") is too small for even the smallest " +
                        models::array_kind_model(a).name() +
                        " array (Tm = Tn = k = 1, buffers " + kib_triple(a.buffers) + ")";
      if (cap < 1) msg += " within --max-util " + std::to_string(std::lround(100 * cap)) + "%";
      msg += ": ";
      for (size_t i = 0; i < over.size(); ++i) msg += (i ? "; " : "") + over[i];
      throw InputError(msg);
    }
  }

  // Every shape with its smallest buffers under the cap, with its lower bound. The weight
  // buffer stays at its smallest: a step always loads one whole Tm x Tn x K x K block (§5),
  // so a larger weight buffer changes no tile and no cycle, only the BRAM count.
  // Buffer placements: BRAM36, and URAM288 when the device has URAM. A shape fits when its
  // smallest buffers fit in either.
  std::vector<models::ResourceOptions> placements(1);
  if (opt.try_uram && opt.device.uram > 0) {
    placements.emplace_back();
    placements.back().buffers_in_uram = true;
  }
  struct Shape {
    models::ArchSpec arch;
    uint64_t lower_bound = 0;
    std::vector<models::ResourceOptions> placements;  // those its smallest buffers fit in
  };
  std::vector<Shape> shapes;
  for (uint32_t k : opt.space.kernels)
    for (uint32_t tm : opt.space.lanes)
      for (uint32_t tn : opt.space.vector) {
        ++res.shapes;
        const models::ArchSpec a = shaped(tm, tn, k);
        Shape sh{a, 0, {}};
        for (const models::ResourceOptions& ro : placements) {
          const double blocks = ro.buffers_in_uram ? double(opt.device.uram) : double(opt.device.bram36);
          if (buffer_bram_lower_bound(a) > cap * blocks) continue;
          ++res.resource_checks;
          if (!over_cap(estimate(a, ro), opt.device, cap).empty()) continue;
          sh.placements.push_back(ro);
        }
        if (sh.placements.empty()) continue;
        sh.lower_bound = opt.network_objective ? network_cycles_lower_bound(passes_for(a), a)
                                               : conv_cycles_lower_bound(passes_for(a), a);
        shapes.push_back(std::move(sh));
      }
  res.shapes_fitting = shapes.size();
  std::stable_sort(shapes.begin(), shapes.end(),
                   [](const Shape& x, const Shape& y) { return x.lower_bound < y.lower_bound; });

  std::vector<FitCandidate> found;
  std::string tiling_problem;
  for (const Shape& sh : shapes) {
    // Shapes come in lower-bound order: once the bound passes the top list's slowest, no
    // later shape can enter it.
    // (The bound is on the conv layers, and so on the whole network too.)
    if (found.size() >= opt.top && sh.lower_bound > found[opt.top - 1].objective) break;
    ++res.shapes_timed;
    // Input and output halves over powers of two; of the choices that tile the conv layers
    // the same way (and so time the same), keep the one using the smallest device fraction.
    // Over both placements: equal tiles time the same whatever memory holds the buffers.
    struct Choice {
      models::ArchSpec arch;
      models::ResourceOptions ro;
      models::Resources use;
      double util;
    };
    std::map<std::vector<uint32_t>, Choice> by_tiles;
    for (const models::ResourceOptions& ro : sh.placements) {
      // Only the input and output buffers change below: the rest of the machine is costed
      // once, and each buffer once per size (every estimate_resources component but these
      // two depends on the shape and placement alone).
      const models::Resources rest = estimate(sh.arch, ro) + models::input_buffer(sh.arch, ro) * -1.0 +
                                     models::output_buffer(sh.arch, ro) * -1.0;
      std::map<uint32_t, models::Resources> in_cost, out_cost;
      for (uint32_t in = sh.arch.buffers.input_kib; in <= opt.space.max_buffer_kib; in *= 2) {
        bool any = false;
        for (uint32_t out = sh.arch.buffers.output_kib; out <= opt.space.max_buffer_kib; out *= 2) {
          models::ArchSpec a = sh.arch;
          a.buffers.input_kib = in;
          a.buffers.output_kib = out;
          ++res.resource_checks;
          if (!in_cost.count(in)) in_cost[in] = models::input_buffer(a, ro);
          if (!out_cost.count(out)) out_cost[out] = models::output_buffer(a, ro);
          const models::Resources use = rest + in_cost[in] + out_cost[out];
          if (!over_cap(use, opt.device, cap).empty()) break;  // larger outputs cost more
          any = true;
          std::vector<FitPass> tiled = passes_for(a);
          const std::string why = tile_passes(tiled, a);
          if (!why.empty()) {
            tiling_problem = why;
            continue;
          }
          const double util = max_fraction(use, opt.device);
          auto [it, fresh] =
              by_tiles.try_emplace(tile_signature(tiled, opt.network_objective), Choice{a, ro, use, util});
          if (!fresh && util < it->second.util) it->second = Choice{a, ro, use, util};
        }
        if (!any) break;  // even the smallest output buffer no longer fits beside this input
      }
    }
    bool have = false;
    FitCandidate best;
    // A conv pass's cycles depend on its own tiles only (layers are independent, see
    // fit_network.h), and many buffer choices share some layers' tiles: time each once.
    std::map<std::tuple<size_t, uint32_t, uint32_t>, uint64_t> pass_memo;
    for (const auto& [sig, c] : by_tiles) {
      FitCandidate cand;
      cand.arch = c.arch;
      cand.resources = c.ro;
      // The reported figures come from the whole model again, not the sums above.
      cand.use = estimate(c.arch, c.ro);
      if (!over_cap(cand.use, opt.device, cap).empty()) continue;
      cand.max_util = max_fraction(cand.use, opt.device);
      std::vector<FitPass> tiled = passes_for(c.arch);
      tile_passes(tiled, c.arch);
      NetworkCycles& nc = cand.cycles;
      nc.layer_cycles.assign(layers, 0);
      for (size_t i = 0; i < tiled.size(); ++i) {
        const FitPass& p = tiled[i];
        nc.tile_rows.push_back(p.desc.tile_rows);
        nc.tile_cols.push_back(p.desc.tile_cols);
        if (!opt.network_objective && !p.conv_layer) continue;
        auto [it, fresh] = pass_memo.try_emplace({i, p.desc.tile_rows, p.desc.tile_cols}, 0);
        if (fresh) {
          it->second = pass_cycles(p, ranking_arch(c.arch));
          ++res.timings;
        }
        nc.layer_cycles[size_t(p.layer)] += it->second;
        nc.total += it->second;
        nc.macs += p.macs;
        if (!p.conv_layer) continue;
        nc.conv_cycles += it->second;
        nc.conv_macs += p.macs;
      }
      // Passes run back to back, each timing as it does alone (fit_network.h); the host adds
      // its 7 register accesses (network_cycles).
      if (opt.network_objective) nc.total += 7 * uint64_t(c.arch.host.reg_access_cycles);
      score(cand, opt.network_objective);
      if (!have || better(cand, best)) best = cand;
      have = true;
    }
    if (!have) continue;
    found.insert(std::upper_bound(found.begin(), found.end(), best, better), best);
    if (found.size() > opt.top) found.pop_back();
  }
  if (found.empty())
    throw InputError("no array shape and buffer sizes up to " + std::to_string(opt.space.max_buffer_kib) +
                     " KiB per half fit device " + opt.device.name + " and hold every layer" +
                     (tiling_problem.empty() ? std::string() : " (last refusal: " + tiling_problem + ")"));
  if (opt.base.dram.model != models::DramModel::fixed) {
    // The shortlist again, each on the base's own memory model as `run` replays it (the whole
    // network back to back), ranked by that.
    for (FitCandidate& cand : found) {
      cand.cycles = network_cycles(passes_for(cand.arch), layers, cand.arch, !opt.network_objective);
      score(cand, opt.network_objective);
      ++res.timings;
    }
    std::stable_sort(found.begin(), found.end(), better);
  }
  res.best = std::move(found);
  return res;
}

}  // namespace shiftsim::sim
