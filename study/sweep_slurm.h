#pragma once
// A sweep as a Slurm job array. `shiftsim sweep FILE --slurm` writes a batch into
// DIR/slurm/batch-<n>/ on the shared file system and submits it with sbatch:
//   batch.json         the manifest: the sweep file, engine, the points to evaluate (index and
//                      hash) and how many tasks share them (point at position p: task p % tasks)
//   job.sh             the job script: an array of `tasks` tasks, each running
//                      `shiftsim sweep FILE --slurm-task DIR/slurm/batch-<n> --task-index K`
//   job_id             Slurm's job id, once submitted
//   task-<k>.results   task k's results (study/sweep_records.h)
//   task-<k>.out       task k's stdout and stderr
// The results reach the database through study/sweep_collect.h.
#include <string>
#include <vector>

namespace shiftsim::sim {

struct SlurmBatch {
  std::string dir;         // DIR/slurm/batch-<n>, absolute
  std::string name;        // batch-<n>
  std::string sweep_file;  // absolute
  std::string sweep_name;  // the spec's name: the job is called shiftsim-<name> in squeue
  std::string out_dir;     // the sweep's directory, absolute
  std::string engine;      // run or model (--engine)
  unsigned tasks = 1;
  unsigned jobs = 1;       // points at a time in each task (and its --cpus-per-task)
  double timeout_s = 0;    // per child run; 0: none
  struct Point {
    size_t index;
    std::string hash;
  };
  std::vector<Point> points;
  std::string job_id;      // "" until submitted (or when written with --no-submit)

  std::string results_file(unsigned task) const;
  // The points task k evaluates, in order.
  std::vector<Point> slice(unsigned task) const;
};

// Creates DIR/slurm/batch-<n> (the next free n) and writes batch.json and job.sh into it.
// `shiftsim` is the absolute executable the tasks run; `sbatch_args` go into the script as
// #SBATCH lines (--partition=..., --time=...).
SlurmBatch write_batch(SlurmBatch batch, const std::string& shiftsim, const std::vector<std::string>& sbatch_args);

// Every batch under DIR/slurm, oldest first. A batch dir without a readable manifest (a
// submission interrupted while writing it) is skipped.
std::vector<SlurmBatch> read_batches(const std::string& out_dir);
SlurmBatch read_batch(const std::string& batch_dir);

// `name` found on PATH, absolute; "" when absent.
std::string find_on_path(const std::string& name);

// Submits job.sh with `sbatch --parsable`; returns the job id and records it in job_id.
// Throws InputError with sbatch's own message when it refuses.
std::string submit_batch(const SlurmBatch& batch, const std::string& sbatch);

// Whether Slurm still has tasks of the job queued or running (squeue). False when squeue is
// not on PATH or no longer knows the job.
bool job_active(const std::string& job_id);

}  // namespace shiftsim::sim
