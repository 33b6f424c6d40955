#include "study/sweep_parallel.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <string>
#include <thread>

#include "common/input_error.h"

namespace shiftsim::sim {

void evaluate_in_parallel(const std::vector<size_t>& todo, unsigned jobs,
                          const std::function<SweepRow(size_t point)>& evaluate,
                          const std::function<void(const SweepRow&)>& store) {
  std::atomic<size_t> next{0};
  std::mutex mutex;
  std::string first_error;
  auto worker = [&]() {
    for (;;) {
      const size_t k = next++;
      if (k >= todo.size()) return;
      const SweepRow row = evaluate(todo[k]);
      std::lock_guard<std::mutex> lock(mutex);
      try {
        store(row);
      } catch (const std::exception& e) {
        if (first_error.empty()) first_error = e.what();
        next = todo.size();  // a result that cannot be kept stops the pool
        return;
      }
    }
  };
  std::vector<std::thread> pool;
  const size_t threads = std::min<size_t>(std::max(1u, jobs), std::max<size_t>(todo.size(), 1));
  for (size_t w = 0; w < threads; ++w) pool.emplace_back(worker);
  for (std::thread& t : pool) t.join();
  if (!first_error.empty()) throw InputError(first_error);
}

}  // namespace shiftsim::sim
