#pragma once
// What a sweep knows about a point before simulating it: its arch (the base file with the
// point's overrides, read as `run` reads it), its resources, whether its layers tile into the
// buffers, and so whether the constraints refuse it. A refused point costs no simulation.
#include <string>
#include <vector>

#include "quant/network.h"
#include "sim/arch_config.h"
#include "sim/resource_check.h"
#include "study/fit_passes.h"
#include "study/sweep_points.h"
#include "study/sweep_spec.h"

namespace shiftsim::sim {

// A network as the checks and the model engine need it: its shapes, read once per sweep.
struct SweepNetwork {
  std::string file;
  quant::Network net;
  // Its passes on a machine (microseconds to build).
  std::vector<FitPass> passes(const models::ArchSpec& arch) const { return fit_passes(net, arch); }
};
// Throws InputError naming the network file.
std::vector<SweepNetwork> load_sweep_networks(const SweepSpec& spec);

struct PointPlan {
  std::string hash;     // point_hash(): the point's full definition
  bool arch_valid = false;
  ArchConfig cfg;       // when arch_valid
  ResourceUse use;      // when arch_valid
  std::string refusal;  // non-empty: not to be simulated, and why
};

PointPlan plan_point(const SweepSpec& spec, const SweepPoint& p, const std::vector<SweepNetwork>& nets,
                     FileContents& files);

// The resource objectives of a machine (LUT, FF, DSP, BRAM36, URAM) into `values`, indexed by Objective.
void fill_resource_objectives(const ResourceUse& use, double* values);

// The bounds of `spec` that `values` violate, as "gops 80.2 < min 100; ..."; "" when none.
// `resources_only`: only the bounds on resources (known before simulating).
std::string bound_violations(const SweepSpec& spec, const double* values, bool resources_only);

}  // namespace shiftsim::sim
