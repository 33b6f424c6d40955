#pragma once
// The sweep's progress line on a terminal: points finished, failed, and the time left at the
// rate of this session's points.
#include <chrono>
#include <cstddef>
#include <string>

namespace shiftsim::sim {

class SweepProgress {
 public:
  SweepProgress(size_t total, bool enabled);
  // One more point finished (failed or not); redraws the line.
  void point_done(bool failed);
  // Ends the line.
  void finish();
  // "1h02m", "3m05s", "12s"
  static std::string duration(double seconds);

 private:
  size_t total_, done_ = 0, failed_ = 0;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace shiftsim::sim
