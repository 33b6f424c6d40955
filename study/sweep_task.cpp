#include "study/sweep_task.h"

#include <cstdio>
#include <filesystem>
#include <set>

#include "common/input_error.h"
#include "study/sweep_evaluate.h"
#include "study/sweep_parallel.h"
#include "study/sweep_records.h"
#include "study/sweep_slurm.h"

namespace shiftsim::sim {

namespace fs = std::filesystem;

int run_sweep_task(const std::string& file, const std::string& batch_dir, long task_index, const std::string& argv0) {
  const SlurmBatch b = read_batch(batch_dir);
  if (task_index < 0 || task_index >= long(b.tasks))
    throw InputError(batch_dir + ": has tasks 0.." + std::to_string(b.tasks - 1) + ", no task " + std::to_string(task_index));
  std::error_code ec;
  if (!fs::equivalent(file, b.sweep_file, ec))
    throw InputError(batch_dir + ": belongs to the sweep file " + b.sweep_file + ", not " + file);
  const unsigned k = unsigned(task_index);
  const std::vector<SlurmBatch::Point> slice = b.slice(k);
  std::vector<size_t> indices;
  for (const SlurmBatch::Point& p : slice) indices.push_back(p.index);
  const SweepSetup s = prepare_sweep(b.sweep_file, b.engine, &indices);
  // Same index, same hash: or the sweep file or a file it reads changed since the submission,
  // and this task would evaluate other designs than the batch promised.
  for (const SlurmBatch::Point& p : slice)
    if (s.plans[p.index].hash != p.hash)
      throw InputError(b.sweep_file + ": point " + std::to_string(p.index) +
                       " is not the design it was when " + b.name +
                       " was submitted (the sweep file or a file it reads changed): submit the sweep again");

  const std::string results = b.results_file(k);
  std::set<std::string> have;
  for (const SweepRow& r : read_records(results).rows) have.insert(r.hash);
  RecordWriter writer(results);
  std::vector<size_t> todo;
  for (const SlurmBatch::Point& p : slice) {
    if (have.count(p.hash)) continue;
    if (!s.plans[p.index].refusal.empty()) {
      // The constraints changed since the submission; the merge would leave the result out.
      std::printf("point %zu: now refused (%s): skipped\n", p.index, s.plans[p.index].refusal.c_str());
      continue;
    }
    todo.push_back(p.index);
  }
  std::printf("%s task %u: %zu points, %zu done by an earlier attempt, %zu to evaluate, %u at a time\n", b.name.c_str(), k,
              slice.size(), slice.size() - todo.size(), todo.size(), b.jobs);
  std::fflush(stdout);

  ChildOptions child;
  child.self = self_path(argv0);
  child.work_dir = b.out_dir + "/work";
  child.log_dir = b.out_dir + "/logs";
  child.timeout_s = b.timeout_s;
  fs::create_directories(child.work_dir, ec);
  fs::create_directories(child.log_dir, ec);
  evaluate_in_parallel(
      todo, b.jobs,
      [&](size_t point) {
        SweepRow row = evaluate_point(s, point, child);
        row.finished_utc = utc_now();
        return row;
      },
      [&](const SweepRow& row) {
        writer.append(row);  // a result that cannot be kept stops the task
        std::printf("point %zu: %s in %.2f s%s%s\n", row.index, row.status.c_str(), row.wall_seconds,
                    row.reason.empty() ? "" : ": ", row.reason.c_str());
        std::fflush(stdout);
      });
  return 0;
}

}  // namespace shiftsim::sim
