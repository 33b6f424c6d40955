#pragma once
// What a sweep prints and writes once its rows are in: per network, the counts by status and
// the best design for each objective.
#include <string>
#include <vector>

#include "study/sweep_db.h"
#include "study/sweep_spec.h"

namespace shiftsim::sim {

void write_sweep_report(const SweepSpec& spec, const std::vector<SweepRow>& rows, const std::string& out_dir);

// Rows of `network` that count for comparisons: done and within every bound.
std::vector<const SweepRow*> eligible_rows(const std::vector<SweepRow>& rows, const std::string& network);

// "lanes=16 vector=8" from a row's parameters.
std::string params_text(const nlohmann::json& params);

}  // namespace shiftsim::sim
