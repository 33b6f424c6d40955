#include "study/config_roots.h"

namespace shiftsim::sim {

namespace fs = std::filesystem;

std::vector<fs::path> config_roots(const std::string& argv0) {
  std::vector<fs::path> roots = {fs::current_path()};
  std::error_code ec;
  fs::path exe = fs::canonical("/proc/self/exe", ec);
  if (ec) exe = fs::absolute(argv0);
  roots.push_back(exe.parent_path().parent_path());
  roots.push_back(exe.parent_path());
#ifdef SHIFTSIM_SOURCE_DIR
  roots.push_back(SHIFTSIM_SOURCE_DIR);
#endif
  return roots;
}

}  // namespace shiftsim::sim
