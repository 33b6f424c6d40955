#include "study/sweep_command.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <thread>

#include "common/atomic_file.h"
#include "common/input_error.h"
#include "study/sweep_collect.h"
#include "study/sweep_db.h"
#include "study/sweep_evaluate.h"
#include "study/sweep_parallel.h"
#include "study/sweep_progress.h"
#include "study/sweep_report.h"
#include "study/sweep_slurm.h"
#include "study/sweep_task.h"

namespace shiftsim::sim {

namespace fs = std::filesystem;

namespace {

void make_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw InputError(dir + ": cannot create directory: " + ec.message());
}

// Rows the database holds that this sweep file no longer defines: refused ones are dropped
// (refusals are decided again on every run); finished or failed ones mean the file changed
// under the database, which is refused rather than mixed.
void reconcile(SweepDb& db, const std::map<std::string, std::string>& stored,
               const std::map<std::string, size_t>& current, const std::string& file) {
  size_t stale = 0;
  for (const auto& [hash, status] : stored) {
    if (current.count(hash)) continue;
    if (status == "refused") db.remove(hash);
    else ++stale;
  }
  if (stale > 0)
    throw InputError(db.path() + ": holds " + std::to_string(stale) + " finished points that " + file +
                     " no longer defines (its base arch, a network, device or energy file, a parameter value, "
                     "the seed, the mode or the golden check changed): choose another --out directory, or "
                     "delete the database to start again");
}

// Evaluates the points `todo` here, a worker per core, each row committed as soon as it is known.
void evaluate_locally(const SweepRequest& req, const SweepSetup& s, SweepDb& db, const std::vector<size_t>& todo,
                      const std::string& out, const std::string& argv0) {
  const unsigned jobs = req.jobs > 0 ? req.jobs : std::max(1u, std::thread::hardware_concurrency());
  ChildOptions child;
  child.self = self_path(argv0);
  child.work_dir = out + "/work";
  child.log_dir = out + "/logs";
  child.timeout_s = req.timeout_s;
  SweepProgress progress(todo.size(), req.progress);
  size_t failed = 0;
  const auto t0 = std::chrono::steady_clock::now();
  // A database that cannot be written stops the sweep.
  evaluate_in_parallel(
      todo, jobs, [&](size_t point) { return evaluate_point(s, point, child); },
      [&](const SweepRow& row) {
        db.put(row);
        failed += row.status == "failed";
        progress.point_done(row.status == "failed");
      });
  progress.finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!todo.empty())
    std::printf("evaluated %zu points in %s (%.1f points/minute, %u at a time)%s\n", todo.size(),
                SweepProgress::duration(seconds).c_str(), seconds > 0 ? 60.0 * double(todo.size()) / seconds : 0.0,
                jobs, failed ? (", " + std::to_string(failed) + " failed: see the reason column and " + out + "/logs").c_str() : "");
}

// Writes the points `todo` as a Slurm batch and submits it (unless --no-submit).
void submit_to_slurm(const SweepRequest& req, const SweepSetup& s, const std::vector<size_t>& todo,
                     const std::string& out, const std::string& sbatch, const std::string& argv0) {
  SlurmBatch b;
  b.sweep_file = fs::canonical(req.file).string();
  b.sweep_name = s.spec.name;
  b.out_dir = fs::canonical(out).string();
  b.engine = req.engine;
  b.jobs = req.jobs > 0 ? req.jobs : 1;
  b.timeout_s = req.timeout_s;
  // Most tasks a sweep is worth: one point each, and no more than 100 unless asked (a small
  // array schedules as fast and leaves the queue to others).
  b.tasks = unsigned(std::min<size_t>(todo.size(), req.tasks > 0 ? req.tasks : 100));
  for (size_t i : todo) b.points.push_back({i, s.plans[i].hash});
  b = write_batch(b, self_path(argv0), req.sbatch_args);
  if (req.no_submit) {
    std::printf("wrote %s: %zu points in %u tasks, not submitted; submit it with: sbatch %s/job.sh\n", b.dir.c_str(),
                b.points.size(), b.tasks, b.dir.c_str());
    return;
  }
  std::string id;
  try {
    id = submit_batch(b, sbatch);
  } catch (...) {
    // Never submitted: its points are not in flight.
    std::error_code ec;
    fs::remove_all(b.dir, ec);
    throw;
  }
  std::printf("submitted Slurm job %s: %zu points in %u tasks (%s); watch it with `squeue -j %s`, then merge its "
              "results with `shiftsim sweep %s --out %s --collect`\n",
              id.c_str(), b.points.size(), b.tasks, b.dir.c_str(), id.c_str(), req.file.c_str(), out.c_str());
}

}  // namespace

int sweep_command(const SweepRequest& req, const std::string& argv0) {
  if (!req.slurm_task.empty()) {
    long k = req.task_index;
    if (k < 0) {
      const char* env = std::getenv("SLURM_ARRAY_TASK_ID");
      if (!env || !*env) throw InputError("--slurm-task needs --task-index or $SLURM_ARRAY_TASK_ID");
      k = std::strtol(env, nullptr, 10);
    }
    return run_sweep_task(req.file, req.slurm_task, k, argv0);
  }
  if (req.slurm && req.collect) throw InputError("--slurm submits and --collect merges: give one of them");
  if (!req.slurm && (req.no_submit || req.tasks > 0 || !req.sbatch_args.empty()))
    throw InputError("--no-submit, --tasks and --sbatch-arg go with --slurm");
  std::string sbatch;
  if (req.slurm && !req.no_submit) {
    sbatch = find_on_path("sbatch");
    if (sbatch.empty())
      throw InputError("--slurm submits with sbatch, which is not on PATH (Slurm's client commands: Debian "
                       "slurm-client); run it where sbatch is, or use --no-submit to write the job script only");
  }
  SweepSetup s = prepare_sweep(req.file, req.engine);
  const SweepSpec& spec = s.spec;
  const std::string out = req.out_dir.empty() ? "sweep-" + spec.name : req.out_dir;
  make_dir(out);
  make_dir(out + "/logs");
  make_dir(out + "/work");

  // The database: first what earlier Slurm batches found, then what is left to evaluate.
  // A child run costs far more than an fsync per row; a model point costs less.
  SweepDb db(out + "/results.db", spec, s.engine, /*durable=*/s.engine != "model");
  reconcile(db, db.statuses(), s.by_hash, req.file);
  const CollectSummary merged = collect_batches(db, s, out);
  print_collect_summary(merged);
  const std::map<std::string, std::string> stored = db.statuses();
  std::vector<size_t> todo;
  std::vector<SweepRow> refusals;
  size_t refused = 0, kept = 0, in_flight = 0;
  for (size_t i = 0; i < s.points.size(); ++i) {
    const auto it = stored.find(s.plans[i].hash);
    const std::string status = it == stored.end() ? "" : it->second;
    if (!s.plans[i].refusal.empty()) {
      ++refused;
      if (status != "refused") refusals.push_back(refused_row(s, i));
    } else if (status == "done" || (status == "failed" && !req.retry_failed)) {
      ++kept;
    } else if (merged.in_flight.count(s.plans[i].hash)) {
      ++in_flight;  // a Slurm task has it queued or running: not evaluated twice
    } else {
      todo.push_back(i);
    }
  }
  db.put_all(refusals);
  const std::string by = req.collect ? "still to evaluate (run the sweep again, here or with --slurm)"
                         : req.slurm ? "to submit to Slurm"
                                     : "to evaluate by " + (s.engine == "model" ? std::string("the timing model")
                                                                                 : "shiftsim run --mode " + spec.mode);
  std::printf("sweep %s: %zu points (%zu refused before simulating, %zu already in %s, %s%zu %s)\n",
              spec.name.c_str(), s.points.size(), refused, kept, db.path().c_str(),
              in_flight ? (std::to_string(in_flight) + " queued or running in Slurm, ").c_str() : "", todo.size(),
              by.c_str());
  std::fflush(stdout);

  if (req.slurm) {
    if (!todo.empty()) submit_to_slurm(req, s, todo, out, sbatch, argv0);
    return 0;
  }
  if (!req.collect) evaluate_locally(req, s, db, todo, out, argv0);

  // Bounds may have changed since earlier rows were written; then the report.
  std::vector<SweepRow> rows = db.rows();
  for (SweepRow& r : rows) {
    if (r.status != "done" || !r.objectives) continue;
    const std::string out_of = bound_violations(spec, r.objectives->data(), false);
    const std::string reason = out_of.empty() ? "" : "out of bounds: " + out_of;
    if (r.in_bounds != out_of.empty() || r.reason != reason) {
      db.set_bounds(r.hash, out_of.empty(), reason);
      r.in_bounds = out_of.empty();
      r.reason = reason;
    }
  }
  write_sweep_report(spec, rows, out);
  if (!req.csv.empty()) {
    write_file_atomic(req.csv, db.csv());
    std::printf("wrote %s\n", req.csv.c_str());
  }
  return 0;
}

}  // namespace shiftsim::sim
