#pragma once
// gnuplot plots of the reproduction, written beside its tables: for each plot a .dat (the
// numbers), a .gp (the script, runnable again with `cd DIR && gnuplot NAME.gp`) and the PNG.
// Without gnuplot the .dat and .gp are still written and the PNGs skipped with a warning.
#include <string>
#include <vector>

#include "study/reproduce_table.h"

namespace shiftsim::sim {

struct PlotInput {
  const Table* layers = nullptr;     // exp1_layers
  const Table* resources = nullptr;  // exp1_resources
  // Energy of the conv layers per design: component -> joules (empty: not modelled).
  std::vector<std::string> energy_designs;
  std::vector<std::string> energy_components;
  std::vector<std::vector<double>> energy_j;  // [design][component]
  const Table* exp2 = nullptr;       // exp2_largest (may be null)
};

// Writes the plots into `dir`; returns the warnings (gnuplot missing or failing).
std::vector<std::string> write_plots(const std::string& dir, const PlotInput& in);

}  // namespace shiftsim::sim
