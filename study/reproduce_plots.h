#pragma once
// gnuplot plots of the reproduction, written beside its tables: for each plot a .dat (the
// numbers), a .gp (the script, runnable again with `cd DIR && gnuplot NAME.gp`) and the PNG.
// Without gnuplot the .dat and .gp are still written and the PNGs skipped with a warning; a
// gnuplot that is there but does not render a plot is an error (PlotFailure).
#include <stdexcept>
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

// gnuplot ran and did not produce a PNG: the message names the script and quotes its log.
class PlotFailure : public std::runtime_error {
 public:
  explicit PlotFailure(const std::string& what) : std::runtime_error(what) {}
};

// Writes the plots into `dir`; returns the warnings (gnuplot missing, no energy section).
// Throws PlotFailure when gnuplot fails on a plot.
std::vector<std::string> write_plots(const std::string& dir, const PlotInput& in);

}  // namespace shiftsim::sim
