#include "train/progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace shiftsim::train {

std::string format_duration(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

double time_left(double elapsed, int64_t done, int64_t total) {
  if (done <= 0 || total <= done) return 0;
  return elapsed / double(done) * double(total - done);
}

ProgressLine::ProgressLine(bool live, int64_t total_steps)
    : live_(live), total_(total_steps), start_(std::chrono::steady_clock::now()) {}

ProgressLine::~ProgressLine() { clear(); }

double ProgressLine::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ProgressLine::update(int epoch, int epochs, int64_t step_in_epoch, int64_t steps_in_epoch,
                          int64_t steps_done, double loss, double accuracy) {
  if (!live_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && step_in_epoch < steps_in_epoch && now - last_draw_ < std::chrono::milliseconds(200))
    return;
  last_draw_ = now;
  const double el = elapsed();
  constexpr int kWidth = 20;
  const int filled = steps_in_epoch > 0 ? int(kWidth * step_in_epoch / steps_in_epoch) : 0;
  std::string bar(size_t(filled), '=');
  bar.resize(kWidth, ' ');
  std::fprintf(stderr, "\r\033[Kepoch %d/%d [%s] %3d%%  loss %.4f  acc %5.2f%%  elapsed %s  left %s",
               epoch, epochs, bar.c_str(),
               steps_in_epoch > 0 ? int(100 * step_in_epoch / steps_in_epoch) : 0, loss,
               100.0 * accuracy, format_duration(el).c_str(),
               format_duration(time_left(el, steps_done, total_)).c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::clear() {
  if (!live_ || !drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace shiftsim::train
