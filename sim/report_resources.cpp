// The report's resource section: every component of the machine (models/machine_resources.h) and the
// total, in numbers and as a share of the device the arch config names.
#include <cmath>
#include <cstdio>

#include "sim/report_sections.h"
#include "sim/resource_check.h"

namespace shiftsim::sim {

namespace {

// Which of the five resources to show: URAM only on a device that has it (or if used anyway).
std::vector<size_t> shown(const ResourceReport& r) {
  std::vector<size_t> idx = {0, 1, 2, 3};
  if (r.device_has_uram || r.total.uram > 0) idx.push_back(4);
  return idx;
}

// A percentage for JSON: null where the device has none of a resource the design uses.
nlohmann::ordered_json json_percent(double need, double budget) {
  const double p = percent_of(need, budget);
  return std::isfinite(p) ? nlohmann::ordered_json(p) : nlohmann::ordered_json(nullptr);
}

const char* json_key(size_t i) {
  static const char* keys[] = {"lut", "ff", "dsp", "bram36", "uram"};
  return keys[i];
}

nlohmann::ordered_json use_json(const ResourceReport& r, const models::Resources& use) {
  nlohmann::ordered_json j, pct;
  const std::vector<double> v = resource_values(use), b = resource_values(r.budget);
  for (size_t i : shown(r)) {
    j[json_key(i)] = v[i];
    pct[json_key(i)] = json_percent(v[i], b[i]);
  }
  j["percent_of_device"] = pct;
  return j;
}

}  // namespace

ResourceReport build_resource_report(const ArchConfig& cfg, bool allowed_over_budget) {
  const ResourceUse use = estimate_use(cfg);
  ResourceReport r;
  r.device_name = cfg.device.name;
  r.device_part = cfg.device.part;
  r.device_file = cfg.device_file;
  r.dsp_counting =
      cfg.resources.dsp_counting == models::DspCounting::nbqnn_paper ? "nbqnn_paper" : "synthesis";
  r.buffers_in_uram = cfg.resources.buffers_in_uram;
  r.device_has_uram = cfg.device.uram > 0;
  for (const models::ComponentResources& c : use.components)
    r.components.push_back({c.name, c.basis, c.use});
  r.total = use.total;
  r.budget = use.budget;
  r.over_budget = use.over;
  r.allowed_over_budget = allowed_over_budget && !use.fits();
  return r;
}

nlohmann::ordered_json resource_report_json(const ResourceReport& r) {
  nlohmann::ordered_json j;
  j["device"] = {{"name", r.device_name}, {"part", r.device_part}, {"file", r.device_file}};
  nlohmann::ordered_json budget;
  const std::vector<double> b = resource_values(r.budget);
  for (size_t i : shown(r)) budget[json_key(i)] = b[i];
  j["device"]["resources"] = budget;
  j["dsp_counting"] = r.dsp_counting;
  j["buffers_in_uram"] = r.buffers_in_uram;
  auto& comps = j["components"] = nlohmann::ordered_json::array();
  for (const ResourceLine& c : r.components) {
    nlohmann::ordered_json e = {{"name", c.name}, {"basis", c.basis}};
    e.update(use_json(r, c.use));
    comps.push_back(e);
  }
  j["total"] = use_json(r, r.total);
  j["fits_device"] = r.over_budget.empty();
  j["over_budget"] = r.over_budget;
  // True only when the machine does not fit and --allow-over-budget let it run.
  j["allowed_over_budget"] = r.allowed_over_budget;
  return j;
}

void print_resource_table(std::ostream& os, const ResourceReport& r) {
  const std::vector<size_t> cols = shown(r);
  char cell[64];
  os << "resources on " << r.device_name << " (" << r.device_part << "), DSP counting "
     << r.dsp_counting << (r.buffers_in_uram ? ", buffers in URAM" : "") << ":\n";
  std::string line = "  component    ";
  for (size_t i : cols) {
    std::snprintf(cell, sizeof cell, " %18s", kResourceNames[i]);
    line += cell;
  }
  os << line << "\n";
  const std::vector<double> b = resource_values(r.budget);
  auto row = [&](const std::string& name, const models::Resources& use) {
    std::snprintf(cell, sizeof cell, "  %-13s", name.c_str());
    std::string out = cell;
    const std::vector<double> v = resource_values(use);
    for (size_t i : cols) {
      const double p = percent_of(v[i], b[i]);
      if (std::isfinite(p))
        std::snprintf(cell, sizeof cell, " %10.1f (%5.1f%%)", v[i], p);
      else
        std::snprintf(cell, sizeof cell, " %10.1f (  n/a )", v[i]);
      out += cell;
    }
    os << out << "\n";
  };
  for (const ResourceLine& c : r.components) row(c.name, c.use);
  row("total", r.total);
  line = "  device       ";
  for (size_t i : cols) {
    std::snprintf(cell, sizeof cell, " %10.0f         ", b[i]);
    line += cell;
  }
  os << line << "\n";
  if (!r.over_budget.empty()) {
    os << "  OVER BUDGET" << (r.allowed_over_budget ? " (run allowed by --allow-over-budget)" : "")
       << ":";
    for (size_t i = 0; i < r.over_budget.size(); ++i) os << (i ? ";" : "") << " " << r.over_budget[i];
    os << "\n";
  }
}

}  // namespace shiftsim::sim
