#pragma once
// Runs shiftsim itself as a child process: SystemC cannot restart a simulation in one process,
// so commands that simulate several design points run one child per point.
#include <string>
#include <vector>

namespace shiftsim::sim {

// Runs argv (argv[0] is the executable path), stdout and stderr appended to `log_path`
// (or inherited when empty). Returns the exit code (128 + signal when killed).
int run_child(const std::vector<std::string>& argv, const std::string& log_path);
// The same, but gives up after `timeout_s`: returns -1 when the child was stopped (only this
// child, by its pid, with SIGKILL).
int run_child(const std::vector<std::string>& argv, const std::string& log_path, double timeout_s);
// The same as the first, run in `work_dir`: relative paths in argv are then relative to it,
// while `log_path` is still relative to this process's working directory.
int run_child_in(const std::string& work_dir, const std::vector<std::string>& argv,
                 const std::string& log_path);

// A fresh private directory under $TMPDIR (or /tmp).
std::string make_temp_dir(const std::string& prefix);

}  // namespace shiftsim::sim
