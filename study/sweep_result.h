#pragma once
// One evaluated point: its objectives, or why it failed.
#include <array>
#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "study/sweep_spec.h"

namespace shiftsim::sim {

using ObjectiveValues = std::array<double, kObjectiveCount>;

struct PointResult {
  bool ok = false;
  std::string reason;  // when !ok
  ObjectiveValues values{};
  double wall_seconds = 0;   // the whole evaluation, as the sweep saw it
  double child_seconds = 0;  // the child run from start to exit (0: no child)
  double sim_seconds = 0;    // the simulation proper: the run report's wall_seconds.simulation, or the model's time
};

// The objectives from a run report (schema shiftsim.run-report, sim/report.cpp). Throws
// InputError naming `file` when a field is missing.
ObjectiveValues objectives_from_report(const nlohmann::json& report, const std::string& file);

// Seconds, GOP/s, power and GOP/s/W from cycles, clock, MACs and energy, with the run
// report's conventions (one MAC = 2 operations).
void derive_rates(ObjectiveValues& v, double clock_mhz, double macs, double energy_j);

}  // namespace shiftsim::sim
