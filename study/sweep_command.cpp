#include "study/sweep_command.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "common/atomic_file.h"
#include "common/input_error.h"
#include "study/sweep_check.h"
#include "study/sweep_child.h"
#include "study/sweep_db.h"
#include "study/sweep_model.h"
#include "study/sweep_points.h"
#include "study/sweep_progress.h"
#include "study/sweep_report.h"
#include "study/sweep_version.h"

namespace shiftsim::sim {

namespace fs = std::filesystem;

namespace {

std::string self_path(const std::string& argv0) {
  std::error_code ec;
  const fs::path p = fs::canonical("/proc/self/exe", ec);
  return ec ? fs::absolute(argv0).string() : p.string();
}

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

}  // namespace

int sweep_command(const SweepRequest& req, const std::string& argv0) {
  if (req.engine != "run" && req.engine != "model")
    throw InputError("--engine must be run or model, found '" + req.engine + "'");
  const SweepSpec spec = read_sweep_spec(req.file);
  const std::string engine = req.engine == "model" ? "model" : spec.mode;
  const std::string out = req.out_dir.empty() ? "sweep-" + spec.name : req.out_dir;
  make_dir(out);
  make_dir(out + "/logs");
  make_dir(out + "/work");

  // 1. Points and what is known of them before simulating.
  const std::vector<SweepNetwork> nets = load_sweep_networks(spec);
  const std::vector<SweepPoint> points = expand_points(spec);
  FileContents files;
  std::vector<PointPlan> plans;
  plans.reserve(points.size());
  std::map<std::string, size_t> by_hash;
  for (const SweepPoint& p : points) {
    plans.push_back(plan_point(spec, p, nets, files));
    const auto [it, fresh] = by_hash.emplace(plans.back().hash, p.index);
    if (!fresh)
      throw InputError(req.file + ": points " + std::to_string(it->second) + " and " + std::to_string(p.index) +
                       " are the same design (a network or a parameter value listed twice)");
  }

  // 2. The database: what is done already, what to (re)run.
  // A child run costs far more than an fsync per row; a model point costs less.
  SweepDb db(out + "/results.db", spec, engine, /*durable=*/engine != "model");
  const std::map<std::string, std::string> stored = db.statuses();
  reconcile(db, stored, by_hash, req.file);
  auto base_row = [&](const SweepPoint& p, const PointPlan& plan) {
    SweepRow row;
    row.hash = plan.hash;
    row.index = p.index;
    row.network = spec.networks[p.network];
    row.params = p.params_json(spec);
    row.engine = engine;
    row.version = shiftsim_version();
    return row;
  };
  std::vector<size_t> todo;
  std::vector<SweepRow> refusals;
  size_t refused = 0, kept = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    const auto it = stored.find(plans[i].hash);
    const std::string status = it == stored.end() ? "" : it->second;
    if (!plans[i].refusal.empty()) {
      ++refused;
      if (status == "refused") continue;
      SweepRow row = base_row(points[i], plans[i]);
      row.status = "refused";
      row.reason = plans[i].refusal;
      row.in_bounds = false;
      if (plans[i].arch_valid) {
        ObjectiveValues v;
        v.fill(std::nan(""));
        fill_resource_objectives(plans[i].use, v.data());
        row.objectives = v;
      }
      refusals.push_back(std::move(row));
    } else if (status == "done" || (status == "failed" && !req.retry_failed)) {
      ++kept;
    } else {
      todo.push_back(i);
    }
  }
  db.put_all(refusals);
  std::printf("sweep %s: %zu points (%zu refused before simulating, %zu already in %s, %zu to evaluate by %s)\n",
              spec.name.c_str(), points.size(), refused, kept, db.path().c_str(), todo.size(),
              engine == "model" ? "the timing model" : ("shiftsim run --mode " + spec.mode).c_str());
  std::fflush(stdout);

  // 3. Evaluate: a worker per core, each point committed as soon as it is known.
  const unsigned jobs = req.jobs > 0 ? req.jobs : std::max(1u, std::thread::hardware_concurrency());
  ChildOptions child;
  child.self = self_path(argv0);
  child.work_dir = out + "/work";
  child.log_dir = out + "/logs";
  child.timeout_s = req.timeout_s;
  std::atomic<size_t> next{0};
  std::mutex mutex;
  SweepProgress progress(todo.size(), req.progress);
  size_t failed = 0;
  std::string first_error;
  const auto t0 = std::chrono::steady_clock::now();
  auto worker = [&]() {
    for (;;) {
      const size_t k = next++;
      if (k >= todo.size()) return;
      const size_t i = todo[k];
      PointResult res;
      try {
        res = engine == "model" ? model_point(plans[i], nets[points[i].network])
                                : run_point_child(spec, points[i], plans[i].hash, child);
      } catch (const std::exception& e) {
        res.ok = false;
        res.reason = e.what();
      }
      SweepRow row = base_row(points[i], plans[i]);
      row.wall_seconds = res.wall_seconds;
      row.child_seconds = res.child_seconds;
      row.sim_seconds = res.sim_seconds;
      row.status = res.ok ? "done" : "failed";
      row.reason = res.reason;
      if (res.ok) {
        row.objectives = res.values;
        const std::string out_of = bound_violations(spec, res.values.data(), false);
        row.in_bounds = out_of.empty();
        if (!out_of.empty()) row.reason = "out of bounds: " + out_of;
      } else {
        row.in_bounds = false;
      }
      std::lock_guard<std::mutex> lock(mutex);
      try {
        db.put(row);
      } catch (const std::exception& e) {
        if (first_error.empty()) first_error = e.what();
        next = todo.size();  // a database that cannot be written stops the sweep
        return;
      }
      failed += !res.ok;
      progress.point_done(!res.ok);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned w = 0; w < std::min<size_t>(jobs, std::max<size_t>(todo.size(), 1)); ++w) pool.emplace_back(worker);
  for (std::thread& t : pool) t.join();
  progress.finish();
  if (!first_error.empty()) throw InputError(first_error);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!todo.empty())
    std::printf("evaluated %zu points in %s (%.1f points/minute, %u at a time)%s\n", todo.size(),
                SweepProgress::duration(seconds).c_str(), seconds > 0 ? 60.0 * double(todo.size()) / seconds : 0.0,
                jobs, failed ? (", " + std::to_string(failed) + " failed: see the reason column and " + out + "/logs").c_str() : "");

  // 4. Bounds may have changed since earlier rows were written; then the report.
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
