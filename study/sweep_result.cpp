#include "study/sweep_result.h"

#include "common/input_error.h"

namespace shiftsim::sim {

namespace {
double field(const nlohmann::json& j, const std::vector<std::string>& path, const std::string& file,
             double def = std::nan("")) {
  const nlohmann::json* n = &j;
  std::string where;
  for (const std::string& k : path) {
    where += (where.empty() ? "" : ".") + k;
    if (!n->is_object() || !n->contains(k)) {
      if (!std::isnan(def)) return def;
      throw InputError(file + ": " + where + ": missing in the run report");
    }
    n = &(*n)[k];
  }
  if (!n->is_number()) throw InputError(file + ": " + where + ": not a number in the run report");
  return n->get<double>();
}
}  // namespace

ObjectiveValues objectives_from_report(const nlohmann::json& r, const std::string& file) {
  ObjectiveValues v{};
  auto set = [&](Objective o, double x) { v[size_t(o)] = x; };
  set(Objective::cycles, field(r, {"cycles", "total"}, file));
  set(Objective::latency_ms, field(r, {"seconds"}, file) * 1e3);
  set(Objective::gops, field(r, {"gops"}, file));
  set(Objective::energy_mj, field(r, {"energy", "total_j"}, file) * 1e3);
  set(Objective::power_w, field(r, {"energy", "average_power_w"}, file));
  set(Objective::gops_per_w, field(r, {"energy", "gops_per_w"}, file));
  set(Objective::lut, field(r, {"resources", "total", "lut"}, file));
  set(Objective::ff, field(r, {"resources", "total", "ff"}, file));
  set(Objective::dsp, field(r, {"resources", "total", "dsp"}, file));
  set(Objective::bram36, field(r, {"resources", "total", "bram36"}, file));
  // The report shows URAM only where the device has it or the design uses it.
  set(Objective::uram, field(r, {"resources", "total", "uram"}, file, 0.0));
  return v;
}

void derive_rates(ObjectiveValues& v, double clock_mhz, double macs, double energy_j) {
  const double seconds = v[size_t(Objective::cycles)] / (clock_mhz * 1e6);
  auto div = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  v[size_t(Objective::latency_ms)] = seconds * 1e3;
  v[size_t(Objective::gops)] = div(2.0 * macs, seconds) / 1e9;
  v[size_t(Objective::energy_mj)] = energy_j * 1e3;
  v[size_t(Objective::power_w)] = div(energy_j, seconds);
  v[size_t(Objective::gops_per_w)] = div(v[size_t(Objective::gops)], v[size_t(Objective::power_w)]);
}

}  // namespace shiftsim::sim
