#pragma once
// Merging a sweep's Slurm batches (study/sweep_slurm.h) into its database, by the rules of a
// local sweep: a point is counted once whichever batch or how many batches ran it (rows are
// keyed by the point's hash; a done row is never replaced, a failed one only by a done
// result), a record that fails its checksum or was cut short never counts (the point stays to
// do), and a result for a point the sweep file no longer defines, or now refuses, is left out.
// Merging is idempotent: `--collect` and every resume read every batch again.
#include <set>
#include <string>
#include <vector>

#include "study/sweep_db.h"
#include "study/sweep_evaluate.h"

namespace shiftsim::sim {

struct CollectSummary {
  size_t batches = 0;
  size_t records = 0;       // whole records read
  size_t merged = 0;        // rows written to the database by this merge
  size_t already = 0;       // records whose point had its row already
  size_t stale = 0;         // records for points the sweep file no longer defines
  size_t refused_now = 0;   // records for points the constraints now refuse
  size_t other_engine = 0;  // records of another engine than the database's
  size_t damaged = 0;       // lines that failed their checksum (not counted)
  size_t torn = 0;          // files ending in a record cut short (a task running or killed)
  std::set<std::string> in_flight;  // hashes still to come from a job Slurm has queued or running
  std::vector<std::string> active;  // "job 12 (batch-001): 5 points to come"
};

// Reads every batch under out_dir/slurm and merges their results into `db`. `s` must have
// every point planned.
CollectSummary collect_batches(SweepDb& db, const SweepSetup& s, const std::string& out_dir);

// Prints what the merge did (nothing when there were no batches).
void print_collect_summary(const CollectSummary& c);

}  // namespace shiftsim::sim
