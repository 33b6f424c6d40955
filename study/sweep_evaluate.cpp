#include "study/sweep_evaluate.h"

#include <cmath>
#include <filesystem>

#include "common/input_error.h"
#include "study/sweep_model.h"
#include "study/sweep_version.h"

namespace shiftsim::sim {

namespace fs = std::filesystem;

SweepSetup prepare_sweep(const std::string& file, const std::string& engine_option,
                         const std::vector<size_t>* plan) {
  if (engine_option != "run" && engine_option != "model")
    throw InputError("--engine must be run or model, found '" + engine_option + "'");
  SweepSetup s;
  s.spec = read_sweep_spec(file);
  s.engine = engine_option == "model" ? "model" : s.spec.mode;
  s.nets = load_sweep_networks(s.spec);
  s.points = expand_points(s.spec);
  s.plans.resize(s.points.size());
  FileContents files;
  auto plan_one = [&](size_t i) {
    const SweepPoint& p = s.points[i];
    s.plans[i] = plan_point(s.spec, p, s.nets, files);
    const auto [it, fresh] = s.by_hash.emplace(s.plans[i].hash, p.index);
    if (!fresh)
      throw InputError(file + ": points " + std::to_string(it->second) + " and " + std::to_string(p.index) +
                       " are the same design (a network or a parameter value listed twice)");
  };
  if (!plan) {
    for (size_t i = 0; i < s.points.size(); ++i) plan_one(i);
  } else {
    for (size_t i : *plan) {
      if (i >= s.points.size())
        throw InputError(file + ": has " + std::to_string(s.points.size()) + " points, no point " + std::to_string(i) +
                         " (the sweep file changed since the batch was written)");
      plan_one(i);
    }
  }
  return s;
}

SweepRow base_row(const SweepSetup& s, size_t i) {
  const SweepPoint& p = s.points[i];
  SweepRow row;
  row.hash = s.plans[i].hash;
  row.index = p.index;
  row.network = s.spec.networks[p.network];
  row.params = p.params_json(s.spec);
  row.engine = s.engine;
  row.version = shiftsim_version();
  return row;
}

SweepRow refused_row(const SweepSetup& s, size_t i) {
  const PointPlan& plan = s.plans[i];
  SweepRow row = base_row(s, i);
  row.status = "refused";
  row.reason = plan.refusal;
  row.in_bounds = false;
  if (plan.arch_valid) {
    ObjectiveValues v;
    v.fill(std::nan(""));
    fill_resource_objectives(plan.use, v.data());
    row.objectives = v;
  }
  return row;
}

SweepRow evaluate_point(const SweepSetup& s, size_t i, const ChildOptions& child) {
  const SweepPoint& p = s.points[i];
  PointResult res;
  try {
    res = s.engine == "model" ? model_point(s.plans[i], s.nets[p.network])
                              : run_point_child(s.spec, p, s.plans[i].hash, child);
  } catch (const std::exception& e) {
    res.ok = false;
    res.reason = e.what();
  }
  SweepRow row = base_row(s, i);
  row.wall_seconds = res.wall_seconds;
  row.child_seconds = res.child_seconds;
  row.sim_seconds = res.sim_seconds;
  row.status = res.ok ? "done" : "failed";
  row.reason = res.reason;
  if (res.ok) {
    row.objectives = res.values;
    const std::string out_of = bound_violations(s.spec, res.values.data(), false);
    row.in_bounds = out_of.empty();
    if (!out_of.empty()) row.reason = "out of bounds: " + out_of;
  } else {
    row.in_bounds = false;
  }
  return row;
}

std::string self_path(const std::string& argv0) {
  std::error_code ec;
  const fs::path p = fs::canonical("/proc/self/exe", ec);
  return ec ? fs::absolute(argv0).string() : p.string();
}

}  // namespace shiftsim::sim
