#pragma once
// Pareto fronts of a sweep's points over two or three objectives: the points no other point
// beats in every chosen objective (at least as good in all, better in one).
#include <cstddef>
#include <vector>

namespace shiftsim::sim {

// `costs[i]` are point i's objective values, each oriented so that lower is better (negate a
// maximized objective). Returns the indices of the non-dominated points, ascending. Points
// with equal values are all on the front. Tested against the definition in
// tests/sim/test_sweep_pareto.cpp.
std::vector<size_t> pareto_front(const std::vector<std::vector<double>>& costs);

}  // namespace shiftsim::sim
