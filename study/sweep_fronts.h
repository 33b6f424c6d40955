#pragma once
// A sweep's Pareto fronts as tables and gnuplot plots: for each network and each objective
// set of the spec, DIR/pareto/<net>_<objectives>.{dat,front.dat,gp,png} (every point, the
// front highlighted). gnuplot runs with absolute paths only.
#include <string>
#include <vector>

#include "study/sweep_db.h"
#include "study/sweep_spec.h"

namespace shiftsim::sim {

// Rows of one network that count (done, within bounds); returns the warnings (gnuplot missing
// or failing), each a line for the user.
std::vector<std::string> write_pareto_fronts(const SweepSpec& spec, const std::string& network,
                                             const std::vector<const SweepRow*>& rows, const std::string& out_dir);

}  // namespace shiftsim::sim
