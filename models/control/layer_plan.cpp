#include "models/control/layer_plan.h"

#include <algorithm>
#include <stdexcept>

#include "models/int_math.h"
#include "models/pe_array/array_kind.h"
#include "models/pe_array/weight_layout.h"

namespace shiftsim::models {

uint32_t acc_bytes(const ArchSpec& arch) {
  return (arch.numerics.acc_bits + arch.numerics.acc_guard_bits + 7) / 8;
}

uint32_t guard_bits_for(const Descriptor& d, const ArchSpec& arch) {
  if (d.op != Op::conv) return 0;
  const uint64_t terms = uint64_t(d.in_c / std::max(1u, d.groups)) * d.kernel * d.kernel;
  const uint32_t need =
      array_kind_model(arch).product_bits(arch.numerics) + clog2(terms);
  return need > arch.numerics.acc_bits ? need - arch.numerics.acc_bits : 0;
}

namespace {
uint32_t ceil_div(uint32_t a, uint32_t b) { return (a + b - 1) / b; }

// Bytes one tile needs in each buffer half.
struct Need {
  uint64_t input = 0, weight = 0, output = 0;
};

Need need_for(const Descriptor& d, const ArchSpec& arch, uint32_t tr, uint32_t tc) {
  const uint64_t ab = act_bytes(arch), cb = acc_bytes(arch);
  const uint32_t tm = arch.pe_array.lanes, tn = arch.pe_array.vector;
  Need n;
  if (d.op == Op::eltwise) {
    n.input = uint64_t(d.inputs) * tm * tr * tc * ab;
  } else {
    const uint64_t ny = uint64_t(tr - 1) * d.stride + d.kernel;
    const uint64_t nx = uint64_t(tc - 1) * d.stride + d.kernel;
    n.input = uint64_t(d.op == Op::conv ? tn : tm) * ny * nx * ab;
  }
  n.output = uint64_t(tm) * tr * tc * cb;
  if (d.op == Op::conv) {
    n.weight = (uint64_t(tm) * tn * d.kernel * d.kernel * weight_element_bits(arch) + 7) / 8;
  }
  return n;
}

bool fits(const Need& n, const ArchSpec& arch) {
  return n.input <= arch.buffers.input_kib * 1024ull &&
         n.weight <= arch.buffers.weight_kib * 1024ull &&
         n.output <= arch.buffers.output_kib * 1024ull;
}
}  // namespace

std::string choose_tiles(Descriptor& d, const ArchSpec& arch) {
  const Need smallest = need_for(d, arch, 1, 1);
  auto over = [&](const char* what, uint64_t need, uint64_t kib) {
    return std::string(what) + " buffer: the smallest tile needs " + std::to_string(need) +
           " bytes, one half holds " + std::to_string(kib * 1024) + " bytes";
  };
  if (smallest.input > arch.buffers.input_kib * 1024ull)
    return over("input", smallest.input, arch.buffers.input_kib);
  if (smallest.weight > arch.buffers.weight_kib * 1024ull)
    return over("weight", smallest.weight, arch.buffers.weight_kib);
  if (smallest.output > arch.buffers.output_kib * 1024ull)
    return over("output", smallest.output, arch.buffers.output_kib);
  uint32_t tc = d.out_w, tr = 1;
  if (fits(need_for(d, arch, 1, d.out_w), arch)) {
    while (tr < d.out_h && fits(need_for(d, arch, tr + 1, tc), arch)) ++tr;
  } else {
    tc = 1;
    while (tc < d.out_w && fits(need_for(d, arch, 1, tc + 1), arch)) ++tc;
  }
  d.tile_rows = tr;
  d.tile_cols = tc;
  return {};
}

LayerPlan plan_layer(const Descriptor& d, const ArchSpec& arch) {
  if (is_recurrent(d.op)) return {};  // the recurrent unit's own schedule (models/recurrent/)
  if (d.tile_rows == 0 || d.tile_cols == 0) throw std::invalid_argument("plan_layer: no tiles");
  const uint32_t tm = arch.pe_array.lanes, tn = arch.pe_array.vector, k = arch.pe_array.kernel;
  LayerPlan plan;
  auto add_tile = [&](TilePlan t) {
    t.first_step = uint32_t(plan.steps.size());
    plan.tiles.push_back(t);
  };
  if (d.op == Op::conv) {
    plan.pieces = ceil_div(d.kernel, k) * ceil_div(d.kernel, k);
    const uint32_t cg = d.in_c / d.groups, mg = d.out_c / d.groups;
    // A fully connected layer has hundreds of thousands of steps: no regrowth.
    const size_t tiles = size_t(d.groups) * ceil_div(d.out_h, d.tile_rows) * ceil_div(d.out_w, d.tile_cols) *
                         ceil_div(mg, tm);
    plan.tiles.reserve(tiles);
    plan.steps.reserve(tiles * ceil_div(cg, tn));
    for (uint32_t g = 0; g < d.groups; ++g)
      for (uint32_t r0 = 0; r0 < d.out_h; r0 += d.tile_rows)
        for (uint32_t c0 = 0; c0 < d.out_w; c0 += d.tile_cols)
          for (uint32_t m0 = 0, mt = 0; m0 < mg; m0 += tm, ++mt) {
            TilePlan t;
            t.oc0 = g * mg + m0;
            t.mc = std::min(tm, mg - m0);
            t.r0 = r0;
            t.nr = std::min(d.tile_rows, d.out_h - r0);
            t.c0 = c0;
            t.ncol = std::min(d.tile_cols, d.out_w - c0);
            add_tile(t);
            for (uint32_t n0 = 0, nt = 0; n0 < cg; n0 += tn, ++nt) {
              StepPlan s;
              s.group = g;
              s.mt = mt;
              s.nt = nt;
              s.n0 = n0;
              s.nc = std::min(tn, cg - n0);
              s.window = {int32_t(g * cg + n0), int32_t(s.nc),
                          int32_t(r0 * d.stride) - int32_t(d.pad),
                          int32_t((t.nr - 1) * d.stride + d.kernel),
                          int32_t(c0 * d.stride) - int32_t(d.pad),
                          int32_t((t.ncol - 1) * d.stride + d.kernel)};
              s.loads_bias = n0 == 0;
              plan.steps.push_back(s);
            }
            plan.tiles.back().steps = uint32_t(plan.steps.size()) - plan.tiles.back().first_step;
          }
    return plan;
  }
  // Pooling and element-wise passes: tiles of `lanes` channels x Tr rows x Tc cols, one step.
  for (uint32_t ch0 = 0; ch0 < d.out_c; ch0 += tm)
    for (uint32_t r0 = 0; r0 < d.out_h; r0 += d.tile_rows)
      for (uint32_t c0 = 0; c0 < d.out_w; c0 += d.tile_cols) {
        TilePlan t;
        t.oc0 = ch0;
        t.mc = std::min(tm, d.out_c - ch0);
        t.r0 = r0;
        t.nr = std::min(d.tile_rows, d.out_h - r0);
        t.c0 = c0;
        t.ncol = std::min(d.tile_cols, d.out_w - c0);
        add_tile(t);
        StepPlan s;
        if (d.op == Op::eltwise) {
          s.window = {int32_t(ch0), int32_t(t.mc), int32_t(r0), int32_t(t.nr), int32_t(c0),
                      int32_t(t.ncol)};
        } else {
          s.window = {int32_t(ch0), int32_t(t.mc), int32_t(r0 * d.stride) - int32_t(d.pad),
                      int32_t((t.nr - 1) * d.stride + d.kernel),
                      int32_t(c0 * d.stride) - int32_t(d.pad),
                      int32_t((t.ncol - 1) * d.stride + d.kernel)};
        }
        plan.steps.push_back(s);
        plan.tiles.back().steps = 1;
      }
  return plan;
}

}  // namespace shiftsim::models
