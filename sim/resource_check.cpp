#include "sim/resource_check.h"

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "common/input_error.h"

namespace shiftsim::sim {

std::vector<double> resource_values(const models::Resources& r) {
  return {r.lut, r.ff, r.dsp, r.bram36, r.uram};
}

double percent_of(double need, double budget) {
  if (budget > 0) return 100.0 * need / budget;
  return need > 0 ? std::numeric_limits<double>::infinity() : 0.0;
}

ResourceUse estimate_use(const ArchConfig& cfg) {
  ResourceUse u;
  try {
    u.components = models::estimate_resources(cfg.arch, cfg.resources);
  } catch (const std::invalid_argument& e) {
    throw InputError(cfg.file + ": " + e.what());
  }
  u.total = models::total(u.components);
  const DeviceSpec& d = cfg.device;
  u.budget.lut = double(d.lut);
  u.budget.ff = double(d.ff);
  u.budget.dsp = double(d.dsp);
  u.budget.bram36 = double(d.bram36);
  u.budget.uram = double(d.uram);
  const std::vector<double> need = resource_values(u.total), have = resource_values(u.budget);
  for (size_t i = 0; i < need.size(); ++i) {
    // The model's counts are fractional (a RAMB18 is half a block, the PPU's LUT fit is not
    // an integer): the design needs the next whole unit.
    const double n = std::ceil(need[i] - 1e-9);
    if (n > have[i]) {
      std::ostringstream s;
      s << kResourceNames[i] << " " << (long long)n << " needed, " << (long long)have[i]
        << " available";
      u.over.push_back(s.str());
    }
  }
  return u;
}

void require_fit(const ArchConfig& cfg, const ResourceUse& use) {
  if (use.fits()) return;
  std::string msg = "arch " + cfg.file + " does not fit " + cfg.device.name + " (" +
                    cfg.device.part + ", " + cfg.device_file + "): ";
  for (size_t i = 0; i < use.over.size(); ++i) msg += (i ? "; " : "") + use.over[i];
  msg += " (docs/RESOURCES.md; --allow-over-budget simulates it anyway, marked in the report)";
  throw InputError(msg);
}

}  // namespace shiftsim::sim
