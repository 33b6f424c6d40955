#pragma once
// `shiftsim difftest`: the differential test of the two simulation modes (docs/TESTING.md).
// Random small networks on random machines (sim/differential_cases.h) run in fast mode in this
// process and in cycle mode in a forked child each; every LayerStats field, the run's cycles,
// its DRAM counts and the final DRAM must be the same, and both modes' outputs must equal the
// golden executor's bit for bit.
#include <cstdint>
#include <string>

#include "study/differential_ranges.h"

namespace shiftsim::sim {

struct DiffTestRequest {
  uint64_t cases = 200;
  uint64_t seed = 1;       // case i (0-based) is drawn from seed + i
  uint32_t jobs = 0;       // cases at a time; 0: one per online core
  std::string keep_dir;    // where failing cases are written; empty: a fresh temporary directory
  bool quiet = false;      // no line per case (failures and the summary still print)
  bool progress = false;   // a progress line on stderr (the CLI sets it on a terminal)
  uint64_t max_cycles = CaseRanges{}.max_cycles;  // per case, estimated; part of what a seed names
  double timeout_s = 60;   // CPU seconds one cycle-mode run may use
  uint64_t max_failures = 10;  // no new case after this many differ or fail; 0: run them all
  std::string root;        // repository root holding configs/arch; empty: found
  bool inject_difference = false;  // cycle mode's last pass reported a cycle late: every case must differ
};

// Returns 0 when every case agrees and is bit exact, 1 otherwise. Throws InputError on bad
// options (and when no case fits the cycle budget).
int difftest_command(const DiffTestRequest& req, const std::string& argv0);

}  // namespace shiftsim::sim
