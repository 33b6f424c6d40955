// The report's energy section (docs/ENERGY.md): each pass's actions as the run counted them
// (models/energy/activity.h, in SimResult), priced by the device's energy table that prepare()
// loaded (sim/energy_spec.h), plus static power x time; per layer and for the run, with average
// power, GOP/s and GOP/s/W. A pure function of the run's outcome: nothing is read or mapped again.
#include <cstdio>
#include <sstream>

#include "models/energy/energy.h"
#include "sim/energy_spec.h"
#include "sim/report_sections.h"

namespace shiftsim::sim {

namespace {

using models::Component;
using models::kComponentCount;

double safe_div(double a, double b) { return b > 0 ? a / b : 0; }

// GOP/s with the report's convention: one multiply-accumulate = 2 operations.
double gops_of(uint64_t macs, double seconds) { return safe_div(2.0 * double(macs), seconds) / 1e9; }

nlohmann::ordered_json figures_json(const EnergyFigures& e) {
  nlohmann::ordered_json j;
  j["dynamic_j"] = e.dynamic();
  j["static_j"] = e.static_j;
  j["total_j"] = e.total();
  nlohmann::ordered_json by;
  for (size_t c = 0; c < kComponentCount; ++c) by[models::component_name(Component(c))] = e.dynamic_j[c];
  j["dynamic_by_component_j"] = by;
  return j;
}

nlohmann::ordered_json actions_json(const models::Actions& a) {
  return {{"dsp_operand_bits", a.dsp_operand_bits}, {"lut_logic", a.lut_logic},
          {"lut_add_bits", a.lut_add_bits},         {"ff_bits", a.ff_bits},
          {"bram_read_bits", a.bram_read_bits},     {"bram_write_bits", a.bram_write_bits},
          {"interconnect_bytes", a.interconnect_bytes}, {"dram_bytes", a.dram_bytes}};
}

}  // namespace

void add_energy(Report& r, const Prepared& p, const RunOutcome& out) {
  const models::ArchSpec& arch = p.cfg.arch;
  const EnergySpec& spec = p.energy;
  const models::EnergyTable& t = spec.table;
  EnergyReport& e = r.energy;
  e.file = spec.file;
  e.name = spec.name;
  e.device = spec.device;
  e.static_w = t.static_w;
  for (const EnergyEntry& c : spec.entries) e.constants.emplace_back(c.path, c.value);

  for (size_t i = 0; i < out.sim.layers.size(); ++i) {
    const models::LayerStats& s = out.sim.layers[i];
    const models::ComponentActions& acts = out.sim.actions.at(i);
    LayerReport& l = r.layers.at(s.layer_id);
    for (size_t c = 0; c < kComponentCount; ++c) {
      l.energy.dynamic_j[c] += models::dynamic_joules(acts[c], t);
      e.actions[c] += acts[c];
    }
  }
  for (LayerReport& l : r.layers) {
    l.energy.static_j = models::static_joules(l.cycles, arch.clock_mhz, t);
    const double seconds = double(l.cycles) / (arch.clock_mhz * 1e6);
    l.power_w = safe_div(l.energy.total(), seconds);
    l.gops = gops_of(l.macs, seconds);
    l.gops_per_w = safe_div(l.gops, l.power_w);
    for (size_t c = 0; c < kComponentCount; ++c) {
      e.total.dynamic_j[c] += l.energy.dynamic_j[c];
      if (l.type == "conv") e.conv.dynamic_j[c] += l.energy.dynamic_j[c];
    }
    if (l.type == "conv") e.conv.static_j += l.energy.static_j;
  }
  // The whole run's static energy covers every cycle, the host's register accesses included.
  e.total.static_j = models::static_joules(r.total_cycles, arch.clock_mhz, t);
  e.power_w = safe_div(e.total.total(), r.seconds);
  e.gops_per_w = safe_div(r.gops, e.power_w);
  const double conv_s = double(r.conv_cycles) / (arch.clock_mhz * 1e6);
  e.conv_power_w = safe_div(e.conv.total(), conv_s);
  e.conv_gops_per_w = safe_div(r.conv_gops, e.conv_power_w);
}

nlohmann::ordered_json energy_report_json(const EnergyReport& e) {
  nlohmann::ordered_json j;
  nlohmann::ordered_json consts;
  for (const auto& [path, value] : e.constants) consts[path] = value;
  j["table"] = {{"file", e.file}, {"name", e.name}, {"device", e.device}, {"constants", consts}};
  j["static_power_w"] = e.static_w;
  j.update(figures_json(e.total));
  j["average_power_w"] = e.power_w;
  j["gops_per_w"] = e.gops_per_w;
  nlohmann::ordered_json conv = figures_json(e.conv);
  conv["average_power_w"] = e.conv_power_w;
  conv["gops_per_w"] = e.conv_gops_per_w;
  j["conv_layers"] = conv;
  nlohmann::ordered_json acts;
  for (size_t c = 0; c < kComponentCount; ++c)
    acts[models::component_name(Component(c))] = actions_json(e.actions[c]);
  j["actions"] = acts;
  return j;
}

nlohmann::ordered_json layer_energy_json(const LayerReport& l) {
  nlohmann::ordered_json j = figures_json(l.energy);
  j["average_power_w"] = l.power_w;
  j["gops"] = l.gops;
  j["gops_per_w"] = l.gops_per_w;
  return j;
}

std::string energy_csv_header() {
  std::string h = ",energy_j,dynamic_j,static_j";
  for (size_t c = 0; c < kComponentCount; ++c)
    h += std::string(",") + models::component_name(Component(c)) + "_j";
  return h + ",power_w,gops,gops_per_w";
}

std::string energy_csv_columns(const LayerReport& l) {
  std::ostringstream os;
  os.precision(9);
  os << ',' << l.energy.total() << ',' << l.energy.dynamic() << ',' << l.energy.static_j;
  for (double j : l.energy.dynamic_j) os << ',' << j;
  os << ',' << l.power_w << ',' << l.gops << ',' << l.gops_per_w;
  return os.str();
}

void print_energy_table(std::ostream& os, const Report& r) {
  const EnergyReport& e = r.energy;
  char line[256];
  os << "energy (" << e.file << ", static " << e.static_w << " W):\n";
  std::snprintf(line, sizeof line, "  %-12s %-8s %12s %12s %12s %9s %9s %9s\n", "layer", "type",
                "dynamic uJ", "static uJ", "total uJ", "power W", "GOP/s", "GOP/s/W");
  os << line;
  for (const LayerReport& l : r.layers) {
    std::snprintf(line, sizeof line, "  %-12s %-8s %12.3f %12.3f %12.3f %9.3f %9.1f %9.1f\n",
                  l.name.c_str(), l.type.c_str(), l.energy.dynamic() * 1e6, l.energy.static_j * 1e6,
                  l.energy.total() * 1e6, l.power_w, l.gops, l.gops_per_w);
    os << line;
  }
  os << "  dynamic by component:";
  const double dyn = e.total.dynamic();
  for (size_t c = 0; c < kComponentCount; ++c) {
    std::snprintf(line, sizeof line, " %s %.1f uJ (%.0f%%)%s", models::component_name(Component(c)),
                  e.total.dynamic_j[c] * 1e6, 100.0 * safe_div(e.total.dynamic_j[c], dyn),
                  c + 1 < kComponentCount ? "," : "\n");
    os << line;
  }
  std::snprintf(line, sizeof line,
                "  total %.3f mJ per inference (dynamic %.3f, static %.3f), average power %.3f W, "
                "%.1f GOP/s, %.1f GOP/s/W\n",
                e.total.total() * 1e3, dyn * 1e3, e.total.static_j * 1e3, e.power_w, r.gops, e.gops_per_w);
  os << line;
  std::snprintf(line, sizeof line,
                "  conv layers: %.3f mJ, average power %.3f W, %.1f GOP/s, %.1f GOP/s/W\n",
                e.conv.total() * 1e3, e.conv_power_w, r.conv_gops, e.conv_gops_per_w);
  os << line;
}

}  // namespace shiftsim::sim
