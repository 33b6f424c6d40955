#include "study/sweep_check.h"

#include <cmath>
#include <sstream>

#include "common/input_error.h"
#include "models/control/layer_plan.h"
#include "sim/layer_passes.h"

namespace shiftsim::sim {

std::vector<SweepNetwork> load_sweep_networks(const SweepSpec& spec) {
  std::vector<SweepNetwork> out;
  for (const std::string& file : spec.networks) {
    SweepNetwork n;
    n.file = file;
    n.net = quant::load_network(file);
    out.push_back(std::move(n));
  }
  return out;
}

void fill_resource_objectives(const ResourceUse& use, double* values) {
  values[size_t(Objective::lut)] = use.total.lut;
  values[size_t(Objective::ff)] = use.total.ff;
  values[size_t(Objective::dsp)] = use.total.dsp;
  values[size_t(Objective::bram36)] = use.total.bram36;
  values[size_t(Objective::uram)] = use.total.uram;
}

std::string bound_violations(const SweepSpec& spec, const double* values, bool resources_only) {
  std::ostringstream os;
  for (const ObjectiveBound& b : spec.constraints.bounds) {
    if (resources_only && !objective_is_resource(b.objective)) continue;
    const double v = values[size_t(b.objective)];
    const char* name = objective_name(b.objective);
    if (b.min && !(v >= *b.min)) os << (os.tellp() > 0 ? "; " : "") << name << " " << v << " < min " << *b.min;
    if (b.max && !(v <= *b.max)) os << (os.tellp() > 0 ? "; " : "") << name << " " << v << " > max " << *b.max;
  }
  return os.str();
}

PointPlan plan_point(const SweepSpec& spec, const SweepPoint& p, const std::vector<SweepNetwork>& nets,
                     FileContents& files) {
  PointPlan plan;
  try {
    plan.cfg = load_arch(spec.base, p.sets(spec));
    size_output_entries(plan.cfg, nets.at(p.network).net);  // as the run will (sim/layer_passes.h)
    plan.use = estimate_use(plan.cfg);
    plan.arch_valid = true;
  } catch (const InputError& e) {
    plan.refusal = std::string("invalid arch: ") + e.what();
  }
  plan.hash = point_hash(spec, p, plan.arch_valid ? plan.cfg.device_file : "",
                         plan.arch_valid ? plan.cfg.energy_file : "", files);
  if (!plan.arch_valid) return plan;

  const SweepConstraints& c = spec.constraints;
  std::string why;
  if (c.fits_device && !plan.use.fits()) {
    why = "does not fit " + plan.cfg.device.name + ": ";
    for (size_t i = 0; i < plan.use.over.size(); ++i) why += (i ? "; " : "") + plan.use.over[i];
  } else if (c.max_dsp && std::ceil(plan.use.total.dsp - 1e-9) > *c.max_dsp) {
    std::ostringstream os;
    os << "DSP " << std::ceil(plan.use.total.dsp - 1e-9) << " > max_dsp " << *c.max_dsp;
    why = os.str();
  } else {
    double values[kObjectiveCount] = {};
    fill_resource_objectives(plan.use, values);
    why = bound_violations(spec, values, /*resources_only=*/true);
    if (!why.empty()) why = "out of bounds: " + why;
  }
  if (why.empty()) {
    // The mapper would refuse a layer that does not tile into the buffers; so does the sweep,
    // without starting a run.
    const SweepNetwork& net = nets.at(p.network);
    for (const FitPass& pass : net.passes(plan.cfg.arch)) {
      models::Descriptor d = pass.desc;
      const std::string tiles = models::choose_tiles(d, plan.cfg.arch);
      if (tiles.empty()) continue;
      why = "layer " + net.net.layers.at(size_t(pass.layer)).name + " does not tile: " + tiles;
      break;
    }
  }
  plan.refusal = why;
  return plan;
}

}  // namespace shiftsim::sim
