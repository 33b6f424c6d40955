#pragma once
// The worker pool every local way of evaluating sweep points shares (the local sweep and a
// Slurm task): `jobs` threads each take the next point not yet taken, evaluate it outside the
// lock and store its row under it, so rows are kept as soon as they are known.
#include <cstddef>
#include <functional>
#include <vector>

#include "study/sweep_db.h"

namespace shiftsim::sim {

// Evaluates every point of `todo` (indices into the sweep's points) with `evaluate`, on
// min(jobs, todo.size()) threads (at least one), and hands each row to `store`, one call at a
// time. A row that cannot be stored (`store` throws) stops the pool: no further point is
// taken (the points already in flight are still offered to `store`), and the first such error
// is thrown as an InputError once every thread has stopped.
void evaluate_in_parallel(const std::vector<size_t>& todo, unsigned jobs,
                          const std::function<SweepRow(size_t point)>& evaluate,
                          const std::function<void(const SweepRow&)>& store);

}  // namespace shiftsim::sim
