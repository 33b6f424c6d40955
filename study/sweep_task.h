#pragma once
// One task of a sweep's Slurm job array (study/sweep_slurm.h): `shiftsim sweep FILE
// --slurm-task BATCH_DIR --task-index K` evaluates task K's slice of the batch's points and
// appends each result to BATCH_DIR/task-K.results as soon as it is known. A task started
// again (Slurm requeues it after a node failure) skips the points its file holds already.
// It never touches the database: many tasks on many machines write only files of their own.
#include <string>

namespace shiftsim::sim {

// Returns the exit code: 0 when every point of the slice has its result (done or failed);
// throws InputError when the batch does not match the sweep file (changed since submission).
int run_sweep_task(const std::string& file, const std::string& batch_dir, long task_index, const std::string& argv0);

}  // namespace shiftsim::sim
