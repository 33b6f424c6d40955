#include "study/sweep_best.h"

#include <filesystem>

#include "common/atomic_file.h"
#include "common/input_error.h"
#include "common/json_reader.h"
#include "sim/arch_config.h"
#include "sim/overrides.h"
#include "study/fit_arch_json.h"
#include "study/sweep_report.h"

namespace shiftsim::sim {

namespace fs = std::filesystem;

const SweepRow* best_row(const std::vector<const SweepRow*>& rows, Objective o) {
  const SweepRow* best = nullptr;
  for (const SweepRow* r : rows) {
    if (!best) {
      best = r;
      continue;
    }
    const double v = (*r->objectives)[size_t(o)], b = (*best->objectives)[size_t(o)];
    if (objective_maximized(o) ? v > b : v < b) best = r;
  }
  return best;
}

std::vector<std::string> write_best_designs(const SweepSpec& spec, const std::string& network,
                                            const std::vector<const SweepRow*>& rows, const std::string& out_dir) {
  std::vector<std::string> written;
  if (rows.empty()) return written;
  const std::string dir = out_dir + "/best";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw InputError(dir + ": cannot create directory: " + ec.message());
  const std::string net = fs::path(network).stem().string();
  const nlohmann::json base = read_json_file(spec.base);
  const fs::path base_dir = fs::absolute(spec.base).parent_path();

  for (Objective o : spec.objectives) {
    const SweepRow* r = best_row(rows, o);
    std::vector<std::string> sets;
    for (const auto& item : r->params.items()) sets.push_back(item.key() + "=" + item.value().dump());
    nlohmann::json doc = base;
    apply_overrides(doc, parse_overrides(sets), spec.base);
    // The written file lives elsewhere: paths relative to the base file become absolute.
    for (const char* key : {"device", "energy"}) {
      if (!doc.contains(key) || !doc[key].is_string()) continue;
      const fs::path p = doc[key].get<std::string>();
      if (!p.is_absolute()) doc[key] = (base_dir / p).lexically_normal().string();
    }
    if (doc.contains("dram") && doc["dram"].is_object() && doc["dram"].contains("memory") &&
        doc["dram"]["memory"].is_string()) {
      const fs::path p = doc["dram"]["memory"].get<std::string>();
      if (!p.is_absolute()) doc["dram"]["memory"] = (base_dir / p).lexically_normal().string();
    }
    const std::string name = doc.value("name", std::string("design")) + "_" + net + "_best_" + objective_name(o);
    doc["name"] = name;
    doc["description"] = "shiftsim sweep " + spec.name + ": the best design for " + net + " in " +
                         objective_name(o) + " (point " + std::to_string(r->index) + ": " + params_text(r->params) +
                         "), from " + spec.base;
    const std::string path = dir + "/" + net + "_" + objective_name(o) + ".json";
    write_file_atomic(path, doc.dump(2) + "\n");
    // What run will read must be the machine the sweep measured.
    ArchConfig back = load_arch(path);
    ArchConfig measured = load_arch(spec.base, sets);
    back.arch.name = measured.arch.name;
    if (!same_arch(back.arch, measured.arch) || back.device_file.empty())
      throw std::logic_error("sweep: " + path + " does not read back to the measured machine");
    written.push_back(path);
  }
  return written;
}

}  // namespace shiftsim::sim
