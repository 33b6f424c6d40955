// One loop over [0, n) in two halves, the second on another thread, for the conversion loops
// of a run (AlexNet's 61 M weights are generated, quantized and encoded once per point, and a
// sweep pays that on every point). Small loops and one-core machines stay on the caller's
// thread: starting a thread costs tens of microseconds.
#pragma once

#include <cstddef>
#include <exception>
#include <thread>

namespace shiftsim {

// part(begin, end) on [0, split) and [split, n); split is a multiple of `align` (so that the
// halves write disjoint bytes, words or blocks). An exception of either half reaches the
// caller after both have ended.
template <class Part>
void in_two_halves(std::size_t n, std::size_t min_split, Part&& part, std::size_t align = 1) {
  const std::size_t split = n / 2 / align * align;
  if (n < min_split || split == 0 || std::thread::hardware_concurrency() < 2) {
    part(std::size_t(0), n);
    return;
  }
  std::exception_ptr failure;
  std::thread other([&] {
    try {
      part(split, n);
    } catch (...) {
      failure = std::current_exception();
    }
  });
  try {
    part(std::size_t(0), split);
  } catch (...) {
    other.join();
    throw;
  }
  other.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace shiftsim
