#pragma once
// Experiment 2 of `shiftsim reproduce`: each array as large as the device allows (sized by
// `shiftsim fit` when this binary has it, else by hand in configs/reproduce/ and checked
// against the device with the resource model), on AlexNet, ResNet-18 and a small DenseNet.
#include <string>
#include <vector>

#include "study/reproduce_run.h"
#include "study/reproduce_table.h"

namespace shiftsim::sim {

struct Exp2Design {
  std::string array;       // svpe or vpe
  std::string base;        // arch file the fit starts from
  std::string hand_sized;  // arch file sized by hand
};

struct Exp2Config {
  std::string file, description, device;
  double max_util_pct = 80;
  double fit_timeout_s = 600;
  std::vector<std::string> nets, quick_nets;
  std::vector<Exp2Design> designs;
};

// Reads configs/reproduce/largest_*.json (paths resolved against its directory).
Exp2Config load_exp2_config(const std::string& path);

struct Exp2Options {
  std::string self, work_dir, mode = "fast";
  uint64_t seed = 1;
  bool quick = false, check = true;
  bool use_fit = true;  // false: the hand-sized arrays
};

struct Exp2Result {
  struct Point {
    std::string net, array, arch, sized_by;
    SimRun run;
  };
  std::vector<Point> points;
  std::vector<std::string> notes;
};

// Sizes the arrays and runs every (net, design) point.
Exp2Result run_exp2(const Exp2Config& cfg, const Exp2Options& opt);
Table exp2_table(const Exp2Config& cfg, const Exp2Result& res);

}  // namespace shiftsim::sim
