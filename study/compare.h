#pragma once
// `shiftsim compare`: one network on several architectures, one child process each, and a
// side-by-side table (the main job: AlexNet on the SVPE and VPE ZCU102 design points).
#include <cstdint>
#include <string>
#include <vector>

namespace shiftsim::sim {

struct CompareRequest {
  std::vector<std::string> archs;
  std::string net;
  uint64_t seed = 1;
  std::string mode = "fast";
  std::string out_dir;  // empty: a temporary directory, removed afterwards
};

int compare_command(const CompareRequest& req, const std::string& self);

}  // namespace shiftsim::sim
