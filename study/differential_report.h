#pragma once
// What `shiftsim difftest` prints: a line per case, a failing case's findings with the commands
// that replay it, and the summary of the whole run.
#include <array>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "study/differential_case_run.h"
#include "study/differential_cases.h"

namespace shiftsim::sim {

// Counts over the cases run: the verdicts, and what the cases covered.
struct DiffTally {
  uint64_t cases = 0, agree = 0, differ = 0, failed = 0;
  Rejections rejected;
  std::array<uint64_t, 8> layers_of_kind{};  // by quant::LayerType
  uint64_t svpe = 0, vpe = 0, saturate = 0, wrap = 0, act8 = 0, act16 = 0;
  uint64_t tiles = 0, steps = 0, multi_tile_passes = 0, multi_step_tiles = 0;
  uint64_t row_tiled_passes = 0, column_tiled_passes = 0;
  uint64_t cycles = 0;  // fast mode's total cycles over the agreeing cases
  std::vector<uint64_t> failing_seeds;
  void add(const DiffCase& c, const CaseVerdict& v);
};

// Where to find the pieces a replay command names.
struct ReplayContext {
  std::string shiftsim;  // this binary
  std::string root;      // repository root given to difftest --root
  uint64_t max_cycles = 0;
  bool inject_difference = false;
};

// "seed 12: agree, 3456 cycles | <machine> || <layers>": the same case always prints the same
// line, whichever run it is part of.
std::string case_line(const DiffCase& c, const CaseVerdict& v);

// The commands that rerun a case: `shiftsim run` in each mode, and the case alone through
// difftest. net_path is where the case's network JSON is kept.
std::vector<std::string> replay_commands(const DiffCase& c, const std::string& net_path,
                                         const std::string& dir, const ReplayContext& ctx);

// A failing case's whole account: its line, every finding, the replay commands.
std::string failure_report(const DiffCase& c, const CaseVerdict& v, const std::vector<std::string>& replay);

struct RunSummary {
  uint64_t first_seed = 0, cases = 0, max_cycles = 0;
  uint32_t jobs = 0;
  double wall_s = 0;
  uint64_t stopped_after = 0;  // --max-failures, when it stopped the run before its last case
  std::string kept_dir;  // where failing cases are; empty when none failed
};
void print_summary(std::ostream& out, const DiffTally& t, const RunSummary& s);

}  // namespace shiftsim::sim
