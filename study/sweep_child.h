#pragma once
// A sweep point simulated by a child `shiftsim run` (SystemC cannot restart in one process),
// its report read back into objectives.
#include <string>

#include "study/sweep_points.h"
#include "study/sweep_result.h"
#include "study/sweep_spec.h"

namespace shiftsim::sim {

struct ChildOptions {
  std::string self;      // the shiftsim executable
  std::string work_dir;  // where the child's report and log go while it runs
  std::string log_dir;   // where a failed point's log is kept
  double timeout_s = 0;  // 0: none
};

// Runs the point; a failing child is a result with ok = false and the reason (exit code and
// the child's error line). The report and log are removed after a success.
PointResult run_point_child(const SweepSpec& spec, const SweepPoint& p, const std::string& hash,
                            const ChildOptions& opt);

}  // namespace shiftsim::sim
