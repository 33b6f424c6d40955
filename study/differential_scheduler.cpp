#include "study/differential_scheduler.h"

#include <poll.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace shiftsim::sim {

namespace {
namespace fs = std::filesystem;

// A child that neither finishes nor uses CPU (its CPU limit never fires) is killed after this.
double wall_limit(double cpu_limit_s) { return 10 * cpu_limit_s + 60; }
}  // namespace

// A mode broken everywhere would otherwise cost every case its timeout; a few failures are
// enough to start fixing.
bool CaseScheduler::too_many_failures() const {
  return opt_.max_failures != 0 && tally_.cases - tally_.agree >= opt_.max_failures;
}

void CaseScheduler::run() {
  while ((started_ < opt_.cases && !too_many_failures()) || !running_.empty()) {
    while (started_ < opt_.cases && !too_many_failures() && running_.size() < opt_.jobs)
      start(opt_.first_seed + started_++);
    if (running_.empty()) continue;
    const std::vector<size_t> done = wait_for_children();
    for (auto it = done.rbegin(); it != done.rend(); ++it) {  // from the back: indices stay valid
      InFlight f = std::move(running_[*it]);
      running_.erase(running_.begin() + long(*it));
      const CaseVerdict v = f.run->finish();
      conclude(f.run->info(), v, &f);
    }
  }
  clear_progress();
}

void CaseScheduler::start(uint64_t seed) {
  DiffCase c;
  try {
    c = draw_case(seed, opt_.ranges, opt_.arch_dir, tally_.rejected);
  } catch (const std::logic_error& e) {  // a generator bug: this case fails, the others go on
    c.seed = seed;
    CaseVerdict v;
    v.findings.push_back(e.what());
    conclude(c, v, nullptr);
    return;
  }
  const std::string stem = opt_.case_dir + "/case-" + std::to_string(seed);
  InFlight f{nullptr, stem + ".json", stem + ".cycle.log"};
  f.run = std::make_unique<CaseRun>(std::move(c), f.net_path, f.log_path, opt_.cpu_limit_s, opt_.inject_difference);
  if (f.run->child()) {
    running_.push_back(std::move(f));
  } else {  // it failed before cycle mode could start
    const CaseVerdict v = f.run->finish();
    conclude(f.run->info(), v, &f);
  }
}

// Waits up to 200 ms for any cycle child to finish (to have sent its result and ended);
// returns the indices of those done.
std::vector<size_t> CaseScheduler::wait_for_children() {
  std::vector<pollfd> fds;
  bool ending = false;  // a child has closed its pipe and is about to end: look again soon
  for (auto& f : running_) {
    CycleChild& child = *f.run->child();
    fds.push_back({child.closed() ? -1 : child.fd(), POLLIN, 0});
    ending = ending || child.closed();
  }
  poll(fds.data(), fds.size(), ending ? 1 : 200);
  std::vector<size_t> done;
  for (size_t i = 0; i < running_.size(); ++i) {
    CycleChild& child = *running_[i].run->child();
    if (fds[i].revents != 0) child.read_available();
    if (child.closed() && child.exited()) {
      done.push_back(i);
    } else if (child.seconds_running() > wall_limit(opt_.cpu_limit_s)) {
      child.kill_now();
      done.push_back(i);
    }
  }
  return done;
}

// An agreeing case prints its line (unless quiet) and leaves nothing behind; a failing one
// prints its findings and replay commands, and keeps them in case-SEED.txt beside its network
// and cycle mode's output.
void CaseScheduler::conclude(const DiffCase& c, const CaseVerdict& v, const InFlight* f) {
  tally_.add(c, v);
  clear_progress();
  std::error_code ec;
  if (v.kind == CaseVerdict::Kind::agree) {
    if (!opt_.quiet) std::cout << case_line(c, v) << "\n";
    if (f) {
      fs::remove(f->net_path, ec);
      fs::remove(f->log_path, ec);
    }
  } else {
    const std::string net_path = f ? f->net_path : std::string();
    const std::string text = failure_report(c, v, replay_commands(c, net_path, opt_.case_dir, opt_.replay));
    std::cout << text << std::flush;
    std::ofstream(opt_.case_dir + "/case-" + std::to_string(c.seed) + ".txt") << text;
    if (f && fs::file_size(f->log_path, ec) == 0) fs::remove(f->log_path, ec);
  }
  show_progress();
}

void CaseScheduler::show_progress() const {
  if (opt_.progress)
    std::fprintf(stderr, "\rdifftest: %llu of %llu cases done, %zu running, %llu differ, %llu failed ",
                 (unsigned long long)tally_.cases, (unsigned long long)opt_.cases, running_.size(),
                 (unsigned long long)tally_.differ, (unsigned long long)tally_.failed);
}

void CaseScheduler::clear_progress() const {
  if (opt_.progress) std::fprintf(stderr, "\r%-78s\r", "");
}

}  // namespace shiftsim::sim
