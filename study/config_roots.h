#pragma once
// Where a repository file (configs/...) may be for the study commands: the working directory,
// the repository holding the binary's build directory (build*/shiftsim), beside the binary, and
// the source tree the binary was built from (a build directory elsewhere).
#include <filesystem>
#include <string>
#include <vector>

namespace shiftsim::sim {

// argv0: the binary's own path when /proc/self/exe cannot be read.
std::vector<std::filesystem::path> config_roots(const std::string& argv0);

}  // namespace shiftsim::sim
