#pragma once
// Experiment 1 of `shiftsim reproduce`: the n-BQ-NN paper's two ZCU102 design points on
// AlexNet's conv layers, as tables of simulated figures beside the published ones
// (Table VIII per layer and whole design, resource use, Table VII per array, GSNQ's
// no-DSP claim).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "study/reproduce_published.h"
#include "study/reproduce_run.h"
#include "study/reproduce_table.h"

namespace shiftsim::sim {

// Operations per multiply-accumulate. Ours (the run report's): a multiply and an add. The
// paper's, as far as its Table VIII can be read (docs/REPRODUCTION.md "Counting operations"):
// twice ours is the smallest whole multiple under which its SVPE row fits the stated array.
constexpr double kOpsPerMacOurs = 2;
constexpr double kOpsPerMacPaperInferred = 4;

struct Exp1Input {
  const PublishedFigures* pub = nullptr;
  const SimRun* vpe = nullptr;
  const SimRun* svpe = nullptr;
  std::vector<std::string> layers;  // rows: the published layers the run has
  bool quick = false;
  // Table VII: the SVPE at each published weight width: a run (when the energy model can
  // price it), or why not.
  std::map<uint32_t, SimRun> svpe_by_bits;
  std::map<uint32_t, std::string> svpe_bits_refused;
};

std::vector<Table> exp1_tables(const Exp1Input& in);

}  // namespace shiftsim::sim
