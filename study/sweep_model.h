#pragma once
// `shiftsim sweep --engine model`: a point's objectives from fast mode's timing model run on
// the network's shapes (as `fit` times candidates, study/fit_network.h), its energy counted
// from the same passes and statistics the run report prices, and its resources from the
// resource model; no SystemC, no child process, no weights. Its cycles equal `shiftsim run
// --mode fast`'s (tests/sim/test_sweep_model.cpp checks a sample).
#include "study/sweep_check.h"
#include "study/sweep_result.h"

namespace shiftsim::sim {

// `plan` must be valid and not refused. Thread-safe: every call builds its own timing state.
PointResult model_point(const PointPlan& plan, const SweepNetwork& net);

}  // namespace shiftsim::sim
