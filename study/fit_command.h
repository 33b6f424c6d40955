#pragma once
// `shiftsim fit --device D --array svpe|vpe [--net N] [--out arch.json] ...`: searches the
// PE-array shape and buffer sizes that fit the device and run the network's conv layers
// fastest (sim/fit_search.h), prints the best few, and writes the winner as an arch file that
// `shiftsim run --arch` accepts. docs/FIT.md describes the search and its figures.
#include <cstddef>
#include <string>

namespace shiftsim::sim {

struct FitRequest {
  std::string device;        // a device file, or a name under configs/devices/ ("zcu102")
  std::string array;         // svpe or vpe
  std::string net;           // network file; default configs/nets/alexnet.json
  std::string out;           // arch file to write; empty: print only
  std::string base;          // arch file for everything not searched; default the shipped one
  std::string name;          // machine name in the written file; default fit_<array>_<device>
  double clock_mhz = 0;      // 0: the base file's
  unsigned weight_bits = 0;  // 0: the base file's
  double max_util_pct = 80;  // percent of each device resource the design may use
  size_t top = 5;            // rows of the table
  std::string objective = "network";  // network (every layer's cycles) or conv (conv layers')
};

// Returns the exit code; bad input (unknown device, impossible request) throws InputError.
int fit_command(const FitRequest& req, const std::string& argv0);

}  // namespace shiftsim::sim
