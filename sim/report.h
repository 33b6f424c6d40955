#pragma once
// The run report: one struct, written as versioned JSON, as CSV (one row per layer) and as a
// readable table. README.md ("Reports") describes the fields.
#include <array>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "models/energy/activity.h"
#include "models/resources/resources.h"
#include "sim/runner.h"

namespace shiftsim::sim {

constexpr int kReportVersion = 1;

// Energy of a layer or a run (sim/report_energy.cpp, docs/ENERGY.md): dynamic per component
// (models::Component order) and static (the device's static power x time).
struct EnergyFigures {
  std::array<double, models::kComponentCount> dynamic_j{};
  double static_j = 0;
  double dynamic() const {
    double s = 0;
    for (double j : dynamic_j) s += j;
    return s;
  }
  double total() const { return dynamic() + static_j; }
};

struct LayerReport {
  std::string name, type;
  uint32_t passes = 0, tiles = 0, steps = 0, tile_rows = 0, tile_cols = 0;
  uint64_t cycles = 0, compute_cycles = 0, stall_cycles = 0, idle_cycles = 0;
  uint64_t macs = 0, dram_read_bytes = 0, dram_write_bytes = 0, saturations = 0;
  double pe_utilization = 0, wall_seconds = 0;
  int bit_exact = -1;  // -1 not checked
  EnergyFigures energy;
  double power_w = 0, gops = 0, gops_per_w = 0;
};

// One component's resources (models/machine_resources.h), as the report shows them.
struct ResourceLine {
  std::string name, basis;
  models::Resources use;
};

// The machine against its device: per component, total, budget (sim/report_resources.cpp).
struct ResourceReport {
  std::string device_name, device_part, device_file, dsp_counting;
  bool buffers_in_uram = false;
  bool device_has_uram = false;  // URAM columns appear only then (or when URAM is used)
  std::vector<ResourceLine> components;
  models::Resources total, budget;
  std::vector<std::string> over_budget;  // exceeded resources, "DSP 3072 needed, 2520 available"
  bool allowed_over_budget = false;      // ran anyway (--allow-over-budget)
};

struct EnergyReport {
  std::string file, name, device;
  double static_w = 0;
  std::vector<std::pair<std::string, double>> constants;  // JSON path -> value, as in the file
  models::ComponentActions actions{};                      // whole run, per component
  EnergyFigures total, conv;                               // whole run; conv layers only
  double power_w = 0, gops_per_w = 0, conv_power_w = 0, conv_gops_per_w = 0;
};

// `run --test-images`: many images through one simulation (sim/test_set_run.h); the rest of
// the report describes image 0.
struct TestSetReport {
  uint32_t images = 0, sim_correct = 0, golden_correct = 0, exact_images = 0;
  uint64_t min_cycles = 0, max_cycles = 0;  // accelerator cycles per image
  uint64_t end_cycle = 0;                   // the host saw the last image done
  std::vector<uint32_t> mismatched;         // images not bit-exact (the first few)
};

struct Report {
  std::string arch_name, arch_file, array_kind, net_name, net_file, mode;
  uint32_t lanes = 0, vector = 0, kernel = 0, act_bits = 0, weight_bits = 0, acc_bits = 0;
  uint32_t acc_guard_bits = 0;  // output entries' bits above acc_bits for this network
  double clock_mhz = 0;
  uint64_t seed = 0;
  uint64_t total_cycles = 0, accelerator_cycles = 0, host_cycles = 0;
  uint64_t macs = 0, conv_macs = 0, conv_cycles = 0;
  uint64_t dram_read_bytes = 0, dram_write_bytes = 0, dram_read_bursts = 0, dram_write_bursts = 0;
  std::string dram_model;  // "fixed" or "ddr4"
  // DDR4: BL8 accesses by what their bank held, and refreshes (docs/MEMORY.md)
  uint64_t dram_row_hits = 0, dram_row_misses = 0, dram_row_conflicts = 0, dram_refreshes = 0;
  uint64_t saturations = 0;
  double seconds = 0, gops = 0, conv_gops = 0, pe_utilization = 0;
  int bit_exact = -1;
  double wall_prepare_s = 0, wall_golden_s = 0, wall_sim_s = 0, wall_sim_conv_s = 0;
  std::vector<LayerReport> layers;
  ResourceReport resources;
  EnergyReport energy;
  TestSetReport test_set;  // images == 0: a single run
};

Report build_report(const Prepared& p, const RunRequest& req, const RunOutcome& out);
// What a report says of the machine and the request (names, files, mode, shape, widths, clock,
// seed), for CNN and sequence runs alike.
void fill_run_header(Report& r, const models::ArchSpec& a, const RunRequest& req, const std::string& net_name);
// One pass's cycles, traffic, saturations and wall time added to its layer's row (a layer runs
// in one or more passes), and the row's derived figures once all its passes are in.
void add_pass(LayerReport& l, const models::LayerStats& s);
void finish_layer(LayerReport& l, double peak_macs_per_cycle);
void write_report_json(const std::string& path, const Report& r);
void write_report_csv(const std::string& path, const Report& r);
void print_report_table(std::ostream& os, const Report& r);

}  // namespace shiftsim::sim
