#pragma once
// Runs the cases of one difftest in seed order, up to `jobs` cycle-mode children at a time,
// and concludes each as its child ends: tallied, printed, and when it fails written to the case
// directory with its replay commands.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "study/differential_case_run.h"
#include "study/differential_ranges.h"
#include "study/differential_report.h"

namespace shiftsim::sim {

struct ScheduleOptions {
  uint64_t first_seed = 1, cases = 1;
  uint32_t jobs = 1;
  CaseRanges ranges;
  std::string arch_dir;   // holds the base machines
  std::string case_dir;   // networks of the cases in flight; failing cases stay here
  double cpu_limit_s = 60;
  uint64_t max_failures = 0;  // no new case after this many differ or fail; 0: no limit
  bool quiet = false, progress = false, inject_difference = false;
  ReplayContext replay;
};

class CaseScheduler {
 public:
  explicit CaseScheduler(ScheduleOptions options) : opt_(std::move(options)) {}
  // Runs every case. Throws what the set-up of a case throws (InputError for a cycle budget no
  // case fits); the children still running are then killed.
  void run();
  const DiffTally& tally() const { return tally_; }
  // Cases started (all of them unless max_failures stopped the run): seeds first_seed onwards.
  uint64_t started() const { return started_; }
  bool stopped_early() const { return started_ < opt_.cases; }

 private:
  struct InFlight {
    std::unique_ptr<CaseRun> run;
    std::string net_path, log_path;
  };
  bool too_many_failures() const;
  void start(uint64_t seed);
  std::vector<size_t> wait_for_children();
  void conclude(const DiffCase& c, const CaseVerdict& v, const InFlight* f);
  void show_progress() const;
  void clear_progress() const;

  ScheduleOptions opt_;
  DiffTally tally_;
  std::vector<InFlight> running_;
  uint64_t started_ = 0;
};

}  // namespace shiftsim::sim
