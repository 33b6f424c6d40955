#include "study/sweep_model.h"

#include <chrono>
#include <optional>

#include "common/input_error.h"
#include "models/energy/activity.h"
#include "models/energy/energy.h"
#include "models/fast/fast_timing.h"
#include "models/control/layer_plan.h"
#include "models/pe_array/weight_layout.h"
#include "sim/energy_spec.h"
#include "study/fit_network.h"

namespace shiftsim::sim {

PointResult model_point(const PointPlan& plan, const SweepNetwork& net) {
  const auto t0 = std::chrono::steady_clock::now();
  PointResult res;
  const models::ArchSpec& arch = plan.cfg.arch;
  try {
    std::vector<FitPass> passes = net.passes(arch);
    const std::string why = tile_passes(passes, arch);
    if (!why.empty()) throw InputError("does not tile: " + why);
    const models::EnergyTable table = load_energy_spec(plan.cfg.energy_file).table;

    // The host's four register writes start the machine, as in network_cycles().
    const uint64_t R = arch.host.reg_access_cycles;
    models::FastTiming timing(arch);
    uint64_t now = 4 * R;
    double dynamic_j = 0, macs = 0;
    for (const FitPass& p : passes) {
      const models::LayerPlan lp = models::plan_layer(p.desc, arch);
      std::optional<models::WeightLayout> layout;
      if (p.desc.op == models::Op::conv) layout.emplace(p.desc, arch);
      models::LayerStats st;
      timing.time_pass(p.desc, lp, layout ? &*layout : nullptr, uint64_t(p.index) * models::kDescriptorBytes,
                       now, st);
      now = st.end_cycle;
      const models::ComponentActions acts = models::count_pass_actions(arch, plan.cfg.resources.dsp_counting, p.desc, lp, st);
      for (const models::Actions& a : acts) dynamic_j += models::dynamic_joules(a, table);
      macs += double(p.macs);
    }
    // The host then reads STATUS, CYCLES_LO and CYCLES_HI: 7 register accesses in all.
    const uint64_t cycles = now - 4 * R + 7 * R;
    res.values[size_t(Objective::cycles)] = double(cycles);
    const double energy_j = dynamic_j + models::static_joules(cycles, arch.clock_mhz, table);
    derive_rates(res.values, arch.clock_mhz, macs, energy_j);
    fill_resource_objectives(plan.use, res.values.data());
    res.ok = true;
  } catch (const std::exception& e) {
    res.reason = e.what();
  }
  res.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  res.sim_seconds = res.wall_seconds;
  return res;
}

}  // namespace shiftsim::sim
