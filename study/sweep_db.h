#pragma once
// A sweep's results: one SQLite database per sweep (open it with the sqlite3 shell), one row
// per point. Each row is written in its own transaction, so a sweep killed at any moment keeps
// every row it finished and never a half-written one (WAL journal). `durable` adds an fsync per
// row (synchronous=FULL), so a power loss loses no row either; without it a power loss may
// drop the last rows (they run again), which suits the model engine, whose points cost less
// than an fsync.
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "study/sweep_spec.h"

struct sqlite3;

namespace shiftsim::sim {

struct SweepRow {
  std::string hash;          // the point's definition (point_hash)
  size_t index = 0;
  std::string network;       // network file
  nlohmann::json params;     // {"pe_array.lanes": 16, ...}
  std::string status;        // done, refused or failed
  std::string reason;        // why refused or failed; for done rows outside the bounds, which
  bool in_bounds = true;     // done rows: every objective bound met
  std::string engine;        // run (a child `shiftsim run`) or model (the timing model in-process)
  std::string version;
  double wall_seconds = 0;   // evaluating the point, child start to report read
  double child_seconds = 0;  // the child run, start to exit
  double sim_seconds = 0;    // the simulation itself (what the rest is overhead to)
  std::string finished_utc;  // when the point was evaluated; "" when put: now (a Slurm task's
                             // row keeps the time the task finished it)
  std::optional<std::array<double, kObjectiveCount>> objectives;  // done rows (resources also for refused ones)
};

class SweepDb {
 public:
  // Opens or creates `path` for `spec`'s parameters. Throws InputError when the database
  // belongs to another engine or another set of parameters.
  SweepDb(const std::string& path, const SweepSpec& spec, const std::string& engine, bool durable = true);
  ~SweepDb();
  SweepDb(const SweepDb&) = delete;
  SweepDb& operator=(const SweepDb&) = delete;

  const std::string& path() const { return path_; }
  // hash -> status of every stored row.
  std::map<std::string, std::string> statuses();
  // Inserts or replaces the row of row.hash, in one transaction.
  void put(const SweepRow& row) { put_all({row}); }
  // Several rows in one transaction (refusals, which are cheap to decide again).
  void put_all(const std::vector<SweepRow>& rows);
  void remove(const std::string& hash);
  void set_bounds(const std::string& hash, bool in_bounds, const std::string& reason);
  std::vector<SweepRow> rows();  // in point order
  // Every column of every row as CSV, a header first.
  std::string csv();

 private:
  void exec(const std::string& sql);
  std::string path_;
  std::vector<std::string> params_;
  sqlite3* db_ = nullptr;
};

}  // namespace shiftsim::sim
