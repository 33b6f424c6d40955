#pragma once
// The run report: one struct, written as versioned JSON, as CSV (one row per layer) and as a
// readable table. README.md ("Reports") describes the fields.
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "sim/runner.h"

namespace shiftsim::sim {

constexpr int kReportVersion = 1;

struct LayerReport {
  std::string name, type;
  uint32_t passes = 0, tiles = 0, steps = 0, tile_rows = 0, tile_cols = 0;
  uint64_t cycles = 0, compute_cycles = 0, stall_cycles = 0, idle_cycles = 0;
  uint64_t macs = 0, dram_read_bytes = 0, dram_write_bytes = 0, saturations = 0;
  double pe_utilization = 0, wall_seconds = 0;
  int bit_exact = -1;  // -1 not checked
};

struct Report {
  std::string arch_name, arch_file, array_kind, net_name, net_file, mode;
  uint32_t lanes = 0, vector = 0, kernel = 0, act_bits = 0, weight_bits = 0, acc_bits = 0;
  double clock_mhz = 0;
  uint64_t seed = 0;
  uint64_t total_cycles = 0, accelerator_cycles = 0, host_cycles = 0;
  uint64_t macs = 0, conv_macs = 0, conv_cycles = 0;
  uint64_t dram_read_bytes = 0, dram_write_bytes = 0, dram_read_bursts = 0, dram_write_bursts = 0;
  uint64_t saturations = 0;
  double seconds = 0, gops = 0, conv_gops = 0, pe_utilization = 0;
  int bit_exact = -1;
  double wall_prepare_s = 0, wall_golden_s = 0, wall_sim_s = 0, wall_sim_conv_s = 0;
  std::vector<LayerReport> layers;
};

Report build_report(const Prepared& p, const RunRequest& req, const RunOutcome& out);
void write_report_json(const std::string& path, const Report& r);
void write_report_csv(const std::string& path, const Report& r);
void print_report_table(std::ostream& os, const Report& r);

}  // namespace shiftsim::sim
