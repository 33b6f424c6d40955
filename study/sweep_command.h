#pragma once
// `shiftsim sweep FILE [-j N] [--out DIR] [--engine run|model] [--csv FILE]`: every design
// point of a sweep file (study/sweep_spec.h), each simulated in its own `shiftsim run` child
// (or timed in-process by the timing model with --engine model), results in DIR/results.db
// (SQLite, study/sweep_db.h), resumable: a rerun evaluates only the points without a row.
// `--slurm` evaluates the points as a Slurm job array instead (study/sweep_slurm.h) and
// `--collect` merges its results (study/sweep_collect.h), as every run does first.
// docs/SWEEPS.md describes the file, the database, the cluster use and the figures.
#include <string>
#include <vector>

namespace shiftsim::sim {

struct SweepRequest {
  std::string file;
  std::string out_dir;          // default: sweep-<name> in the working directory
  std::string engine = "run";   // run: child simulations; model: the timing model in-process
  unsigned jobs = 0;            // points at a time; 0: one per core
  std::string csv;              // export every row here after the sweep
  bool retry_failed = false;    // run failed points again
  double timeout_s = 0;         // per child run; 0: none
  bool progress = false;        // a progress line with time left (on a terminal)

  // Slurm (docs/SWEEPS.md, "On a Slurm cluster").
  bool slurm = false;                    // submit the points without a row as a job array
  bool no_submit = false;                // with slurm: write the batch and its job script only
  unsigned tasks = 0;                    // array tasks; 0: one per point, at most 100
  std::vector<std::string> sbatch_args;  // extra #SBATCH options (--partition=..., --time=...)
  bool collect = false;                  // merge the batches' results, evaluate nothing
  std::string slurm_task;                // a task of a submitted batch: its directory
  long task_index = -1;                  // that task's index (-1: $SLURM_ARRAY_TASK_ID)
};

// Returns the exit code: 0 when every point has a row (done, refused or failed); bad input
// throws InputError.
int sweep_command(const SweepRequest& req, const std::string& argv0);

}  // namespace shiftsim::sim
