#pragma once
// `shiftsim reproduce [--out DIR] [--quick]`: the n-BQ-NN paper's hardware experiment (Chen et
// al., TNNLS 2021, Tables VII and VIII) from the shipped configs, simulated figures beside the
// published ones (configs/reproduce/), written as Markdown, CSV and gnuplot plots
// (docs/REPRODUCTION.md). Every design point runs in a child `shiftsim run` process.
#include <cstdint>
#include <string>

namespace shiftsim::sim {

struct ReproduceRequest {
  std::string out_dir = "reproduction";
  bool quick = false;       // a reduced network, for the test suite
  std::string figures;      // published figures; default configs/reproduce/nbqnn_tnnls2021.json
  std::string experiment2;  // default configs/reproduce/largest_zcu102.json
  std::string mode = "fast";
  uint64_t seed = 1;
  bool check = true;        // each run compared with the golden executor
  bool use_fit = true;      // experiment 2: size the arrays with `shiftsim fit` when available
};

int reproduce_command(const ReproduceRequest& req, const std::string& argv0);

}  // namespace shiftsim::sim
