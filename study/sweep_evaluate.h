#pragma once
// What every way of running a sweep shares: the sweep file read once with its networks and
// points, what is known of each point before simulating it (PointPlan), and one point
// evaluated into the row the database stores. The local sweep, a Slurm task and the merge of
// a Slurm batch's results all go through here, so a point means the same row whichever ran it.
#include <map>
#include <string>
#include <vector>

#include "study/sweep_check.h"
#include "study/sweep_child.h"
#include "study/sweep_db.h"
#include "study/sweep_points.h"
#include "study/sweep_spec.h"

namespace shiftsim::sim {

struct SweepSetup {
  SweepSpec spec;
  std::string engine;  // the database's engine: the spec's mode (fast, cycle) or model
  std::vector<SweepNetwork> nets;
  std::vector<SweepPoint> points;
  std::vector<PointPlan> plans;           // one per point; empty for points not planned
  std::map<std::string, size_t> by_hash;  // planned points: hash -> point index
};

// Reads the sweep file and its networks and expands the points. `engine_option` is --engine
// (run or model). Plans every point when `plan` is null, else only the listed indices (a Slurm
// task plans its own slice). Throws InputError when two points are the same design.
SweepSetup prepare_sweep(const std::string& file, const std::string& engine_option,
                         const std::vector<size_t>* plan = nullptr);

// The row of point i as known before evaluating it: hash, index, network, parameters,
// engine, version.
SweepRow base_row(const SweepSetup& s, size_t i);
// The row of a point refused before simulating (its reason; its resources when the arch is valid).
SweepRow refused_row(const SweepSetup& s, size_t i);
// Evaluates point i (a child run, or the timing model) into its row: done with objectives,
// or failed with the reason. Never throws for a failing point.
SweepRow evaluate_point(const SweepSetup& s, size_t i, const ChildOptions& child);

// The shiftsim executable (for child runs and job scripts), absolute.
std::string self_path(const std::string& argv0);

}  // namespace shiftsim::sim
