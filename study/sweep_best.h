#pragma once
// The best design of a sweep per objective, written as an arch file that `shiftsim run --arch`
// accepts as it is: the base arch with the point's parameters applied, its device and energy
// files named by absolute paths so the file works from any directory.
#include <string>
#include <vector>

#include "study/sweep_db.h"
#include "study/sweep_spec.h"

namespace shiftsim::sim {

// Writes DIR/best/<net>_<objective>.json for each of the spec's objectives; returns the paths.
std::vector<std::string> write_best_designs(const SweepSpec& spec, const std::string& network,
                                            const std::vector<const SweepRow*>& rows, const std::string& out_dir);

// The row that is best in `o` (the lowest point index among equals).
const SweepRow* best_row(const std::vector<const SweepRow*>& rows, Objective o);

}  // namespace shiftsim::sim
