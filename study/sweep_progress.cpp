#include "study/sweep_progress.h"

#include <cstdio>

namespace shiftsim::sim {

SweepProgress::SweepProgress(size_t total, bool enabled)
    : total_(total), enabled_(enabled && total > 0), start_(std::chrono::steady_clock::now()) {}

std::string SweepProgress::duration(double s) {
  char b[32];
  const long t = long(s + 0.5);
  if (t >= 3600) std::snprintf(b, sizeof b, "%ldh%02ldm", t / 3600, t / 60 % 60);
  else if (t >= 60) std::snprintf(b, sizeof b, "%ldm%02lds", t / 60, t % 60);
  else std::snprintf(b, sizeof b, "%lds", t);
  return b;
}

void SweepProgress::point_done(bool failed) {
  ++done_;
  failed_ += failed;
  if (!enabled_) return;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double left = elapsed / double(done_) * double(total_ - done_);
  constexpr int kWidth = 30;
  const int filled = int(kWidth * done_ / total_);
  std::string bar(size_t(filled), '=');
  bar.resize(kWidth, ' ');
  std::fprintf(stderr, "\r[%s] %zu/%zu points, %zu failed, %s left   ", bar.c_str(), done_, total_, failed_,
               duration(left).c_str());
  std::fflush(stderr);
}

void SweepProgress::finish() {
  if (enabled_) std::fprintf(stderr, "\n");
}

}  // namespace shiftsim::sim
