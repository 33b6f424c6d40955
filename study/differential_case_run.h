#pragma once
// One differential case through both modes. It is prepared exactly as `shiftsim run` prepares
// it (sim::prepare on the network file and the overrides, then the mapper), so the printed
// replay commands run the same program; cycle mode is forked off with that program, and fast
// mode and the golden executor run in this process while the child works.
#include <memory>
#include <string>
#include <vector>

#include "quant/golden.h"
#include "study/differential_cases.h"
#include "study/differential_child.h"
#include "study/differential_compare.h"
#include "sim/runner.h"

namespace shiftsim::sim {

struct CaseVerdict {
  // failed: a mode, the preparation or the golden executor broke (crash, exception, timeout).
  enum class Kind { agree, differ, failed };
  Kind kind = Kind::failed;
  std::vector<std::string> findings;  // differ: every difference; failed: what broke
  uint64_t cycles = 0;                // fast mode's total cycles
};

class CaseRun {
 public:
  // Writes the network to `net_path`, prepares and maps the case, starts the cycle child (its
  // output in `log_path`, cpu_limit_s of CPU at most), then runs fast mode and the golden
  // executor. inject_difference adds a cycle to cycle mode's last pass (checks the checker).
  CaseRun(DiffCase c, const std::string& net_path, const std::string& log_path, double cpu_limit_s,
          bool inject_difference);

  const DiffCase& info() const { return case_; }
  // Null when the case failed before cycle mode could start.
  CycleChild* child() { return child_.get(); }
  // After the child closed its pipe or was killed: compares everything.
  CaseVerdict finish();

 private:
  DiffCase case_;
  bool inject_difference_ = false;
  std::string failure_;  // what broke in this process, if anything
  Prepared prepared_;
  Program prog_;
  ModeRun fast_;
  quant::GoldenRun golden_;
  std::unique_ptr<CycleChild> child_;
};

}  // namespace shiftsim::sim
