#pragma once
// A buffer port that serves one access a cycle. The contract's units never ask twice in one
// cycle (docs/ARCHITECTURE.md §5-§6 size the ports for that); a second access in the same cycle
// is a bug in a unit, and the port says so rather than serving it for free.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace shiftsim::models {

class PortCycle {
 public:
  void use(uint64_t now, const char* port) {
    if (now == last_)
      throw std::logic_error(std::string(port) + ": a second access in cycle " + std::to_string(now) +
                             "; the port serves one a cycle");
    last_ = now;
  }
  // Whether an access took the port in cycle `now`.
  bool used(uint64_t now) const { return last_ == now; }

 private:
  uint64_t last_ = UINT64_MAX;
};

}  // namespace shiftsim::models
