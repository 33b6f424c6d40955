#include "study/sweep_pareto.h"

#include <algorithm>
#include <numeric>

namespace shiftsim::sim {

namespace {
bool dominates(const std::vector<double>& a, const std::vector<double>& b) {
  bool better = false;
  for (size_t k = 0; k < a.size(); ++k) {
    if (a[k] > b[k]) return false;
    better = better || a[k] < b[k];
  }
  return better;
}
}  // namespace

std::vector<size_t> pareto_front(const std::vector<std::vector<double>>& costs) {
  // In lexicographic order every point's dominators come before it (a dominator is no larger
  // in any objective), and a dominated point's dominators include a front point; so each
  // point needs comparing only with the front found so far: O(n * front) instead of O(n^2).
  std::vector<size_t> order(costs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return costs[a] < costs[b]; });
  std::vector<size_t> front;
  for (size_t i : order) {
    bool beaten = false;
    for (size_t f : front)
      if (dominates(costs[f], costs[i])) {
        beaten = true;
        break;
      }
    if (!beaten) front.push_back(i);
  }
  std::sort(front.begin(), front.end());
  return front;
}

}  // namespace shiftsim::sim
