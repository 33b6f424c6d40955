#include "sim/report.h"

#include <cstdio>
#include <fstream>
#include <iomanip>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/atomic_file.h"
#include "common/input_error.h"
#include "models/pe_array/array_kind.h"
#include "sim/report_sections.h"

namespace shiftsim::sim {

void add_pass(LayerReport& l, const models::LayerStats& s) {
  ++l.passes;
  l.cycles += s.end_cycle - s.start_cycle;
  l.compute_cycles += s.compute_cycles;
  l.stall_cycles += s.stall_cycles;
  l.dram_read_bytes += s.dram_read_bytes;
  l.dram_write_bytes += s.dram_write_bytes;
  l.saturations += s.saturations;
  l.wall_seconds += s.wall_seconds;
}

void finish_layer(LayerReport& l, double peak_macs_per_cycle) {
  l.idle_cycles = l.cycles - l.compute_cycles - l.stall_cycles;
  l.pe_utilization = l.cycles ? double(l.macs) / (double(l.cycles) * peak_macs_per_cycle) : 0;
}

void fill_run_header(Report& r, const models::ArchSpec& a, const RunRequest& req, const std::string& net_name) {
  r.arch_name = a.name;
  r.arch_file = req.arch_path;
  r.array_kind = models::array_kind_model(a).name();
  r.net_name = net_name;
  r.net_file = req.net_path.empty() ? req.model_path : req.net_path;
  r.mode = req.mode == models::SimMode::fast ? "fast" : "cycle";
  r.lanes = a.pe_array.lanes;
  r.vector = a.pe_array.vector;
  r.kernel = a.pe_array.kernel;
  r.act_bits = a.numerics.act_bits;
  r.weight_bits = a.numerics.weight_bits;
  r.acc_bits = a.numerics.acc_bits;
  r.acc_guard_bits = a.numerics.acc_guard_bits;
  r.clock_mhz = a.clock_mhz;
  r.seed = req.seed;
}

Report build_report(const Prepared& p, const RunRequest& req, const RunOutcome& out) {
  const models::ArchSpec& a = p.cfg.arch;
  Report r;
  fill_run_header(r, a, req, p.net_name);
  r.total_cycles = out.sim.total_cycles;
  r.accelerator_cycles = out.sim.accelerator_cycles;
  r.host_cycles = out.sim.total_cycles - out.sim.accelerator_cycles;
  r.dram_read_bytes = out.sim.dram.read_bytes;
  r.dram_write_bytes = out.sim.dram.write_bytes;
  r.dram_read_bursts = out.sim.dram.read_bursts;
  r.dram_write_bursts = out.sim.dram.write_bursts;
  r.dram_model = a.dram.model == models::DramModel::ddr4 ? "ddr4" : "fixed";
  r.dram_row_hits = out.sim.dram.row_hits;
  r.dram_row_misses = out.sim.dram.row_misses;
  r.dram_row_conflicts = out.sim.dram.row_conflicts;
  r.dram_refreshes = out.sim.dram.refreshes;
  r.bit_exact = out.checked ? (out.bit_exact ? 1 : 0) : -1;
  r.wall_prepare_s = out.wall_prepare_s;
  r.wall_golden_s = out.wall_golden_s;
  r.wall_sim_s = out.wall_sim_s;
  const double peak_per_cycle = double(r.lanes) * r.vector * r.kernel * r.kernel;

  const auto& layers = p.qn.net.layers;
  r.layers.resize(layers.size());
  for (size_t i = 0; i < layers.size(); ++i) {
    r.layers[i].name = layers[i].name;
    r.layers[i].type = quant::to_string(layers[i].type);
    r.layers[i].macs = uint64_t(quant::layer_macs(layers[i]));
    if (out.checked) r.layers[i].bit_exact = out.layer_exact[i] ? 1 : 0;
  }
  for (const models::LayerStats& s : out.sim.layers) {
    LayerReport& l = r.layers.at(s.layer_id);
    l.tiles += s.tiles;
    l.steps += s.steps;
    l.tile_rows = s.tile_rows;
    l.tile_cols = s.tile_cols;
    add_pass(l, s);
  }
  for (LayerReport& l : r.layers) {
    finish_layer(l, peak_per_cycle);
    r.macs += l.macs;
    r.saturations += l.saturations;
    if (l.type == "conv") {
      r.conv_macs += l.macs;
      r.conv_cycles += l.cycles;
      r.wall_sim_conv_s += l.wall_seconds;
    }
  }
  r.seconds = double(r.total_cycles) / (r.clock_mhz * 1e6);
  r.gops = r.seconds > 0 ? 2.0 * double(r.macs) / r.seconds / 1e9 : 0;
  const double conv_s = double(r.conv_cycles) / (r.clock_mhz * 1e6);
  r.conv_gops = conv_s > 0 ? 2.0 * double(r.conv_macs) / conv_s / 1e9 : 0;
  r.pe_utilization =
      r.accelerator_cycles ? double(r.macs) / (double(r.accelerator_cycles) * peak_per_cycle) : 0;
  r.resources = build_resource_report(p.cfg, req.allow_over_budget);
  add_energy(r, p, out);
  return r;
}

void write_report_json(const std::string& path, const Report& r) {
  nlohmann::ordered_json j;
  j["schema"] = "shiftsim.run-report";
  j["version"] = kReportVersion;
  j["arch"] = {{"name", r.arch_name}, {"file", r.arch_file}, {"kind", r.array_kind},
               {"lanes", r.lanes}, {"vector", r.vector}, {"kernel", r.kernel},
               {"clock_mhz", r.clock_mhz}, {"act_bits", r.act_bits},
               {"weight_bits", r.weight_bits}, {"acc_bits", r.acc_bits},
               {"acc_guard_bits", r.acc_guard_bits}};
  j["network"] = {{"name", r.net_name}, {"file", r.net_file}, {"seed", r.seed}};
  j["mode"] = r.mode;
  j["cycles"] = {{"total", r.total_cycles}, {"accelerator", r.accelerator_cycles},
                 {"host", r.host_cycles}, {"conv_layers", r.conv_cycles}};
  j["seconds"] = r.seconds;
  j["macs"] = r.macs;
  j["gops"] = r.gops;
  j["conv_gops"] = r.conv_gops;
  j["op_convention"] = "one multiply-accumulate = 2 operations";
  j["pe_utilization"] = r.pe_utilization;
  j["dram"] = {{"model", r.dram_model},
               {"read_bytes", r.dram_read_bytes}, {"write_bytes", r.dram_write_bytes},
               {"read_bursts", r.dram_read_bursts}, {"write_bursts", r.dram_write_bursts}};
  if (r.dram_model == "ddr4") {
    j["dram"]["row_hits"] = r.dram_row_hits;
    j["dram"]["row_misses"] = r.dram_row_misses;
    j["dram"]["row_conflicts"] = r.dram_row_conflicts;
    j["dram"]["refreshes"] = r.dram_refreshes;
  }
  j["resources"] = resource_report_json(r.resources);
  j["energy"] = energy_report_json(r.energy);
  if (r.test_set.images > 0) j["test_set"] = test_set_json(r.test_set);
  j["saturations"] = r.saturations;
  j["bit_exact"] = r.bit_exact < 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.bit_exact == 1);
  j["wall_seconds"] = {{"prepare", r.wall_prepare_s}, {"golden", r.wall_golden_s},
                       {"simulation", r.wall_sim_s}, {"simulation_conv_layers", r.wall_sim_conv_s}};
  auto& ls = j["layers"] = nlohmann::ordered_json::array();
  for (const LayerReport& l : r.layers)
    ls.push_back({{"name", l.name}, {"type", l.type}, {"passes", l.passes},
                  {"cycles", l.cycles}, {"compute_cycles", l.compute_cycles},
                  {"memory_stall_cycles", l.stall_cycles}, {"idle_cycles", l.idle_cycles},
                  {"macs", l.macs}, {"pe_utilization", l.pe_utilization},
                  {"dram_read_bytes", l.dram_read_bytes}, {"dram_write_bytes", l.dram_write_bytes},
                  {"tiles", l.tiles}, {"steps", l.steps}, {"tile_rows", l.tile_rows},
                  {"tile_cols", l.tile_cols}, {"saturations", l.saturations},
                  {"wall_seconds", l.wall_seconds},
                  {"bit_exact", l.bit_exact < 0 ? nlohmann::ordered_json(nullptr)
                                                : nlohmann::ordered_json(l.bit_exact == 1)},
                  {"energy", layer_energy_json(l)}});
  write_file_atomic(path, j.dump(2) + "\n");
}

void write_report_csv(const std::string& path, const Report& r) {
  std::ostringstream os;
  os << "layer,type,passes,cycles,compute_cycles,memory_stall_cycles,idle_cycles,macs,"
        "pe_utilization,dram_read_bytes,dram_write_bytes,tiles,steps,tile_rows,tile_cols,"
        "saturations,bit_exact"
     << energy_csv_header() << '\n';
  for (const LayerReport& l : r.layers)
    os << l.name << ',' << l.type << ',' << l.passes << ',' << l.cycles << ','
       << l.compute_cycles << ',' << l.stall_cycles << ',' << l.idle_cycles << ',' << l.macs
       << ',' << std::setprecision(6) << l.pe_utilization << ',' << l.dram_read_bytes << ','
       << l.dram_write_bytes << ',' << l.tiles << ',' << l.steps << ',' << l.tile_rows << ','
       << l.tile_cols << ',' << l.saturations << ','
       << (l.bit_exact < 0 ? "" : l.bit_exact ? "true" : "false") << energy_csv_columns(l)
       << '\n';
  write_file_atomic(path, os.str());
}

void print_report_table(std::ostream& os, const Report& r) {
  char line[256];
  os << r.net_name << " on " << r.arch_name << " (" << r.array_kind << " " << r.lanes << "x"
     << r.vector << ", k=" << r.kernel << ", " << r.clock_mhz << " MHz), " << r.mode
     << " mode\n";
  std::snprintf(line, sizeof line, "%-12s %-8s %12s %12s %12s %12s %7s %12s %6s\n", "layer",
                "type", "cycles", "compute", "mem stall", "idle", "util", "DRAM bytes", "exact");
  os << line;
  for (const LayerReport& l : r.layers) {
    std::snprintf(line, sizeof line, "%-12s %-8s %12llu %12llu %12llu %12llu %6.1f%% %12llu %6s\n",
                  l.name.c_str(), l.type.c_str(), (unsigned long long)l.cycles,
                  (unsigned long long)l.compute_cycles, (unsigned long long)l.stall_cycles,
                  (unsigned long long)l.idle_cycles, 100.0 * l.pe_utilization,
                  (unsigned long long)(l.dram_read_bytes + l.dram_write_bytes),
                  l.bit_exact < 0 ? "-" : l.bit_exact ? "yes" : "NO");
    os << line;
  }
  std::snprintf(line, sizeof line,
                "total: %llu cycles (%.3f ms), %.1f GOP/s overall, %.1f GOP/s on conv layers, "
                "PE utilisation %.1f%%, DRAM %.1f MB read / %.1f MB written\n",
                (unsigned long long)r.total_cycles, r.seconds * 1e3, r.gops, r.conv_gops,
                100.0 * r.pe_utilization, r.dram_read_bytes / 1e6, r.dram_write_bytes / 1e6);
  os << line;
  if (r.dram_model == "ddr4") {
    const uint64_t accesses = r.dram_row_hits + r.dram_row_misses + r.dram_row_conflicts;
    std::snprintf(line, sizeof line,
                  "DDR4: %llu accesses of 64 B: %.1f%% row hits, %.1f%% misses, %.1f%% conflicts; "
                  "%llu refreshes\n",
                  (unsigned long long)accesses, accesses ? 100.0 * r.dram_row_hits / accesses : 0.0,
                  accesses ? 100.0 * r.dram_row_misses / accesses : 0.0,
                  accesses ? 100.0 * r.dram_row_conflicts / accesses : 0.0,
                  (unsigned long long)r.dram_refreshes);
    os << line;
  }
  os << "bit-exact against the golden executor: "
     << (r.bit_exact < 0 ? "not checked" : r.bit_exact ? "yes" : "NO") << "; saturations: "
     << r.saturations << "; wall: simulation " << r.wall_sim_s << " s, golden "
     << r.wall_golden_s << " s\n";
  print_resource_table(os, r.resources);
  print_energy_table(os, r);
  if (r.test_set.images > 0) print_test_set(os, r.test_set);
}

}  // namespace shiftsim::sim
