#pragma once
// Running the reproduction's design points: one child `shiftsim run --report` process each
// (SystemC cannot restart a simulation in one process), and reading back what the tables need
// from the run report's JSON (sim/report.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/input_error.h"
#include "models/resources/resources.h"

namespace shiftsim::sim {

struct SimLayer {
  std::string name, type;
  uint64_t cycles = 0, macs = 0;
  double pe_utilization = 0;
};

// The report's resource section (machine total against the device), when the report has one.
struct SimResources {
  std::string dsp_counting;     // as the run counted them
  models::Resources total, pe_array, budget;
  bool has_pe_array = false;
};

// Energy of a set of layers (the whole run, or its conv layers) from the report's energy
// section.
struct SimEnergyPart {
  double total_j = 0, static_j = 0, dynamic_j = 0, average_power_w = 0;
  std::vector<std::pair<std::string, double>> dynamic_by_component_j;  // report order
  double component(const std::string& name) const;                     // 0 when absent
};

// The report's energy section, when the report has one.
struct SimEnergy {
  SimEnergyPart run, conv;
};

struct SimRun {
  std::string label, arch_file, net_file, report_file;
  std::string arch_name, kind;
  uint32_t lanes = 0, vector = 0, kernel = 0, weight_bits = 0, act_bits = 0;
  double clock_mhz = 0;
  uint64_t total_cycles = 0, accelerator_cycles = 0;
  std::vector<SimLayer> layers;
  int bit_exact = -1;  // -1 not checked
  std::optional<SimResources> resources;
  std::optional<SimEnergy> energy;

  const SimLayer* layer(const std::string& name) const;
  // Cycles and MACs of the conv layers (the paper's "conv layers"), or of the named ones.
  uint64_t conv_cycles(const std::vector<std::string>& names = {}) const;
  uint64_t conv_macs(const std::vector<std::string>& names = {}) const;
};

// GOP/s of `macs` multiply-accumulates in `cycles` at `clock_mhz`, counting `ops_per_mac`
// operations per multiply-accumulate (ours: 2).
double gops(double macs, double cycles, double clock_mhz, double ops_per_mac);

struct RunPoint {
  std::string label, arch, net;
  std::vector<std::string> sets;  // --set path=value
  std::string report, log;        // where the child writes
  std::string mode = "fast";
  uint64_t seed = 1;
  bool check = true;              // compare with the golden executor
  bool allow_over_budget = false; // simulate a machine its device cannot hold (marked)
};

// A run that failed: the exit code and the child's last lines, for the caller to report.
struct RunFailure : InputError {
  RunFailure(const std::string& what, int code, std::string tail)
      : InputError(what), exit_code(code), log_tail(std::move(tail)) {}
  int exit_code;
  std::string log_tail;
};

// Runs `self run ...` for the point and reads its report. A failed run throws RunFailure (an
// InputError) with the tail of its log; a run that is not bit-exact (exit 4) too, naming the
// point.
SimRun run_point(const std::string& self, const RunPoint& p);

// Reads a run report (the JSON of `shiftsim run --report`); `file` names it in errors.
SimRun parse_run_report(const nlohmann::json& report, const std::string& file);

}  // namespace shiftsim::sim
