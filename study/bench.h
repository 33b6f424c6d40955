#pragma once
// `shiftsim bench`: simulation speed against the floor (the same convolutions as a plain,
// vectorised int16 kernel with no simulation around it) and the golden executor.
#include <string>

namespace shiftsim::sim {

struct BenchRequest {
  std::string root = ".";  // repository root: configs/ lives here
  int repeat = 3;
};

int bench_command(const BenchRequest& req, const std::string& self);

}  // namespace shiftsim::sim
