#pragma once
// Cycle mode in a forked child. SystemC cannot restart a simulation, so every cycle-mode run
// needs a process of its own; forking it from a parent that never starts SystemC hands it the
// very program the parent prepared. The child sends its SimResult and final DRAM back through
// a pipe and leaves with _exit (nothing of the parent's is flushed or destroyed twice).
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "models/simulation.h"
#include "sim/mapper.h"

namespace shiftsim::sim {

struct CycleOutcome {
  enum class Status { ok, threw, crashed, timed_out };
  Status status = Status::crashed;
  std::string problem;  // why it is not ok, with the end of the child's output
  models::SimResult sim;
  std::vector<uint8_t> dram;  // the final DRAM
};

class CycleChild {
 public:
  // Forks a child that runs `prog` in cycle mode with its stdout and stderr in `log_path`,
  // killed by SIGPROF after cpu_limit_s seconds of CPU (a wall-clock limit would fail cases
  // whenever the machine is busy).
  CycleChild(const models::ArchSpec& arch, const Program& prog, const std::string& log_path,
             double cpu_limit_s);
  ~CycleChild();  // kills (by its pid) and reaps a child still running
  CycleChild(const CycleChild&) = delete;
  CycleChild& operator=(const CycleChild&) = delete;

  int fd() const { return fd_; }
  // Reads what the pipe holds; true once the child has closed it.
  bool read_available();
  bool closed() const { return closed_; }
  // True once the child has ended (it may take a few ms after closing the pipe: waiting for
  // that would idle the parent).
  bool exited();
  double seconds_running() const;
  // For a child that hangs without using CPU: stops it now; finish() reports it timed out.
  void kill_now();
  // Waits for the child to end (after read_available() returned true, or kill_now()) and
  // decodes what it sent.
  CycleOutcome finish();

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  bool closed_ = false, reaped_ = false, killed_ = false;
  int status_ = 0;
  double cpu_limit_s_ = 0;
  std::string log_path_;
  std::vector<uint8_t> received_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace shiftsim::sim
