#include "study/reproduce_run.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/input_error.h"
#include "common/json_reader.h"
#include "study/subprocess.h"

namespace shiftsim::sim {

namespace {

// The last lines of a child's log, for an error message.
std::string log_tail(const std::string& path, size_t lines) {
  std::ifstream in(path);
  std::vector<std::string> all;
  for (std::string l; std::getline(in, l);) all.push_back(l);
  std::string out;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i)
    out += "\n  " + all[i];
  return out;
}

// A report field, with the report file and the field's path in the error.
const nlohmann::json& field(const nlohmann::json& j, const std::string& key,
                            const std::string& file, const std::string& at) {
  if (!j.is_object() || !j.contains(key))
    throw InputError(file + ": " + at + (at.empty() ? "" : ".") + key + ": missing in the run report");
  return j.at(key);
}

double num(const nlohmann::json& j, const std::string& key, const std::string& file,
           const std::string& at) {
  const nlohmann::json& v = field(j, key, file, at);
  if (!v.is_number())
    throw InputError(file + ": " + at + (at.empty() ? "" : ".") + key + ": must be a number");
  return v.get<double>();
}

models::Resources resources_of(const nlohmann::json& j, const std::string& file,
                               const std::string& at) {
  models::Resources r;
  r.lut = num(j, "lut", file, at);
  r.ff = num(j, "ff", file, at);
  r.dsp = num(j, "dsp", file, at);
  r.bram36 = num(j, "bram36", file, at);
  r.uram = j.contains("uram") && j["uram"].is_number() ? j["uram"].get<double>() : 0;
  return r;
}

// The resource section (sim/report_resources.cpp): "resources": {"dsp_counting", "components":
// [{"name", "lut", ...}], "total": {...}, "device": {"resources": {...}}}.
std::optional<SimResources> read_resources(const nlohmann::json& rep, const std::string& file) {
  if (!rep.contains("resources") || !rep["resources"].is_object()) return std::nullopt;
  const nlohmann::json& j = rep["resources"];
  SimResources s;
  s.dsp_counting = j.value("dsp_counting", "");
  s.total = resources_of(field(j, "total", file, "resources"), file, "resources.total");
  s.budget = resources_of(field(field(j, "device", file, "resources"), "resources", file,
                                "resources.device"),
                          file, "resources.device.resources");
  if (j.contains("components") && j["components"].is_array())
    for (const auto& c : j["components"])
      if (c.value("name", "") == "pe_array") {
        s.pe_array = resources_of(c, file, "resources.components[pe_array]");
        s.has_pe_array = true;
      }
  return s;
}

SimEnergyPart energy_part(const nlohmann::json& j, const std::string& file, const std::string& at) {
  SimEnergyPart e;
  e.total_j = num(j, "total_j", file, at);
  e.static_j = num(j, "static_j", file, at);
  e.dynamic_j = num(j, "dynamic_j", file, at);
  e.average_power_w = num(j, "average_power_w", file, at);
  const nlohmann::json& by = field(j, "dynamic_by_component_j", file, at);
  for (const auto& [name, v] : by.items())
    if (v.is_number()) e.dynamic_by_component_j.push_back({name, v.get<double>()});
  return e;
}

// The energy section (sim/report_energy.cpp): "energy": {"total_j", "static_j", "dynamic_j",
// "dynamic_by_component_j": {...}, "average_power_w", "conv_layers": {the same}}.
std::optional<SimEnergy> read_energy(const nlohmann::json& rep, const std::string& file) {
  if (!rep.contains("energy") || !rep["energy"].is_object()) return std::nullopt;
  const nlohmann::json& j = rep["energy"];
  SimEnergy e;
  e.run = energy_part(j, file, "energy");
  e.conv = energy_part(field(j, "conv_layers", file, "energy"), file, "energy.conv_layers");
  return e;
}

}  // namespace

double SimEnergyPart::component(const std::string& name) const {
  for (const auto& [n, v] : dynamic_by_component_j)
    if (n == name) return v;
  return 0;
}

const SimLayer* SimRun::layer(const std::string& name) const {
  for (const SimLayer& l : layers)
    if (l.name == name) return &l;
  return nullptr;
}

uint64_t SimRun::conv_cycles(const std::vector<std::string>& names) const {
  uint64_t c = 0;
  for (const SimLayer& l : layers)
    if (names.empty() ? l.type == "conv" : std::find(names.begin(), names.end(), l.name) != names.end())
      c += l.cycles;
  return c;
}

uint64_t SimRun::conv_macs(const std::vector<std::string>& names) const {
  uint64_t m = 0;
  for (const SimLayer& l : layers)
    if (names.empty() ? l.type == "conv" : std::find(names.begin(), names.end(), l.name) != names.end())
      m += l.macs;
  return m;
}

double gops(double macs, double cycles, double clock_mhz, double ops_per_mac) {
  // ops / seconds / 1e9 with seconds = cycles / (clock_mhz * 1e6)
  return cycles > 0 ? ops_per_mac * macs * clock_mhz / cycles / 1e3 : 0;
}

SimRun parse_run_report(const nlohmann::json& rep, const std::string& file) {
  SimRun r;
  r.report_file = file;
  if (rep.value("schema", "") != "shiftsim.run-report")
    throw InputError(file + ": schema: not a shiftsim run report");
  const nlohmann::json& arch = field(rep, "arch", file, "");
  r.arch_name = field(arch, "name", file, "arch").get<std::string>();
  r.kind = field(arch, "kind", file, "arch").get<std::string>();
  r.lanes = uint32_t(num(arch, "lanes", file, "arch"));
  r.vector = uint32_t(num(arch, "vector", file, "arch"));
  r.kernel = uint32_t(num(arch, "kernel", file, "arch"));
  r.weight_bits = uint32_t(num(arch, "weight_bits", file, "arch"));
  r.act_bits = uint32_t(num(arch, "act_bits", file, "arch"));
  r.clock_mhz = num(arch, "clock_mhz", file, "arch");
  r.arch_file = arch.value("file", "");
  r.net_file = rep.contains("network") ? rep["network"].value("file", "") : "";
  const nlohmann::json& cyc = field(rep, "cycles", file, "");
  r.total_cycles = uint64_t(num(cyc, "total", file, "cycles"));
  r.accelerator_cycles = uint64_t(num(cyc, "accelerator", file, "cycles"));
  const nlohmann::json& be = field(rep, "bit_exact", file, "");
  r.bit_exact = be.is_boolean() ? (be.get<bool>() ? 1 : 0) : -1;
  const nlohmann::json& layers = field(rep, "layers", file, "");
  for (size_t i = 0; i < layers.size(); ++i) {
    const std::string at = "layers[" + std::to_string(i) + "]";
    SimLayer l;
    l.name = field(layers[i], "name", file, at).get<std::string>();
    l.type = field(layers[i], "type", file, at).get<std::string>();
    l.cycles = uint64_t(num(layers[i], "cycles", file, at));
    l.macs = uint64_t(num(layers[i], "macs", file, at));
    l.pe_utilization = num(layers[i], "pe_utilization", file, at);
    r.layers.push_back(l);
  }
  r.resources = read_resources(rep, file);
  r.energy = read_energy(rep, file);
  return r;
}

SimRun run_point(const std::string& self, const RunPoint& p) {
  std::vector<std::string> argv = {self, "run", "--arch", p.arch, "--net", p.net, "--seed",
                                   std::to_string(p.seed), "--mode", p.mode, "--report", p.report};
  for (const std::string& s : p.sets) {
    argv.push_back("--set");
    argv.push_back(s);
  }
  if (!p.check) argv.push_back("--no-check");
  if (p.allow_over_budget) argv.push_back("--allow-over-budget");
  std::error_code ec;
  std::filesystem::remove(p.log, ec);
  const int rc = run_child(argv, p.log);
  if (rc == 4)
    throw RunFailure(p.label + ": the run is not bit-exact against the golden executor (log " +
                         p.log + ")" + log_tail(p.log, 5),
                     rc, log_tail(p.log, 5));
  if (rc != 0)
    throw RunFailure(p.label + ": `shiftsim run --arch " + p.arch + " --net " + p.net +
                         "` failed (exit code " + std::to_string(rc) + ")" + log_tail(p.log, 8),
                     rc, log_tail(p.log, 8));
  SimRun r = parse_run_report(read_json_file(p.report), p.report);
  r.label = p.label;
  r.arch_file = p.arch;
  r.net_file = p.net;
  return r;
}

}  // namespace shiftsim::sim
