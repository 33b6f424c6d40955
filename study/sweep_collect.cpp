#include "study/sweep_collect.h"

#include <cstdio>
#include <map>

#include "study/sweep_records.h"
#include "study/sweep_slurm.h"

namespace shiftsim::sim {

CollectSummary collect_batches(SweepDb& db, const SweepSetup& s, const std::string& out_dir) {
  CollectSummary c;
  std::map<std::string, std::string> status = db.statuses();
  std::vector<SweepRow> puts;
  for (const SlurmBatch& b : read_batches(out_dir)) {
    ++c.batches;
    std::set<std::string> recorded;
    for (unsigned k = 0; k < b.tasks; ++k) {
      const RecordFile f = read_records(b.results_file(k));
      c.damaged += f.damaged;
      c.torn += f.torn_tail ? 1 : 0;
      for (const SweepRow& rec : f.rows) {
        ++c.records;
        recorded.insert(rec.hash);
        const auto at = s.by_hash.find(rec.hash);
        if (at == s.by_hash.end()) {
          ++c.stale;
          continue;
        }
        const size_t i = at->second;
        if (!s.plans[i].refusal.empty()) {
          ++c.refused_now;
          continue;
        }
        if (rec.engine != s.engine) {
          ++c.other_engine;
          continue;
        }
        const auto st = status.find(rec.hash);
        if (st != status.end() && (st->second == "done" || (st->second == "failed" && rec.status == "failed"))) {
          ++c.already;
          continue;
        }
        // The point as the current sweep file numbers and names it (adding parameter values
        // renumbers points without changing their hashes); the result as the task found it.
        SweepRow row = base_row(s, i);
        row.status = rec.status;
        row.reason = rec.reason;
        row.in_bounds = rec.in_bounds;
        row.engine = rec.engine;
        row.version = rec.version;
        row.wall_seconds = rec.wall_seconds;
        row.child_seconds = rec.child_seconds;
        row.sim_seconds = rec.sim_seconds;
        row.finished_utc = rec.finished_utc;
        row.objectives = rec.objectives;
        status[rec.hash] = rec.status;
        puts.push_back(std::move(row));
      }
    }
    // Points of this batch without a result yet: still to come while Slurm runs the job.
    std::vector<std::string> missing;
    for (const SlurmBatch::Point& p : b.points)
      if (!recorded.count(p.hash)) missing.push_back(p.hash);
    if (!missing.empty() && !b.job_id.empty() && job_active(b.job_id)) {
      c.in_flight.insert(missing.begin(), missing.end());
      c.active.push_back("job " + b.job_id + " (" + b.name + "): " + std::to_string(missing.size()) + " points to come");
    }
  }
  // One transaction: a merge interrupted half-way writes nothing, and runs again whole.
  db.put_all(puts);
  c.merged = puts.size();
  return c;
}

void print_collect_summary(const CollectSummary& c) {
  if (c.batches == 0) return;
  std::printf("slurm: %zu batches, %zu results read, %zu merged into the database, %zu already there", c.batches,
              c.records, c.merged, c.already);
  if (c.stale) std::printf(", %zu for points this sweep file no longer defines (left out)", c.stale);
  if (c.refused_now) std::printf(", %zu for points the constraints now refuse (left out)", c.refused_now);
  if (c.other_engine) std::printf(", %zu of another engine (left out)", c.other_engine);
  if (c.damaged) std::printf(", %zu damaged records (failed their checksum: not counted)", c.damaged);
  if (c.torn) std::printf(", %zu files end in a record being written or cut short (not counted)", c.torn);
  std::printf("\n");
  for (const std::string& a : c.active) std::printf("slurm: %s (queued or running)\n", a.c_str());
  std::fflush(stdout);
}

}  // namespace shiftsim::sim
