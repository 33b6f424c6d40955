#pragma once
// Training progress: a line redrawn on stderr while a terminal watches (epoch, step, loss,
// accuracy, elapsed, time left), and the time formatting it uses. No Torch here.
#include <chrono>
#include <cstdint>
#include <string>

namespace shiftsim::train {

// "0:42", "12:05", "1:02:03" (rounded to whole seconds; negative counts as 0).
std::string format_duration(double seconds);

// Estimated time left when `done` of `total` units took `elapsed` seconds (0 when done == 0).
double time_left(double elapsed, int64_t done, int64_t total);

class ProgressLine {
 public:
  // `live`: draw at all (the caller decides, e.g. isatty(stderr)). `total_steps`: mini-batches of
  // the whole run, for the time left.
  ProgressLine(bool live, int64_t total_steps);
  ~ProgressLine();
  double elapsed() const;
  // After each mini-batch; redraws at most about 5 times a second.
  void update(int epoch, int epochs, int64_t step_in_epoch, int64_t steps_in_epoch,
              int64_t steps_done, double loss, double accuracy);
  // Erase the line (before anything else is printed to the terminal).
  void clear();

 private:
  bool live_;
  bool drawn_ = false;
  int64_t total_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace shiftsim::train
