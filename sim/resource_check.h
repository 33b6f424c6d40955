#pragma once
// What a machine costs on its device (models/machine_resources.h against the arch config's device),
// and the start-of-run check that refuses a machine that does not fit (DESIGN.md
// "Configuration": rejected with the resource, the need and the budget).
#include <string>
#include <vector>

#include "models/machine_resources.h"
#include "sim/arch_config.h"

namespace shiftsim::sim {

struct ResourceUse {
  std::vector<models::ComponentResources> components;  // in estimate_resources() order
  models::Resources total;
  models::Resources budget;        // the device's
  std::vector<std::string> over;   // one per exceeded resource: "DSP 3072 needed, 2520 available"
  bool fits() const { return over.empty(); }
};

// Resource names as reports print them.
constexpr const char* kResourceNames[] = {"LUT", "FF", "DSP", "BRAM36", "URAM"};
// The five resources of r in kResourceNames order.
std::vector<double> resource_values(const models::Resources& r);

// Estimates every component of cfg.arch under cfg.resources; throws InputError if the
// resource model cannot cost the machine.
ResourceUse estimate_use(const ArchConfig& cfg);

// Throws InputError "arch F does not fit DEVICE: LUT n needed, m available; ..." unless it fits.
void require_fit(const ArchConfig& cfg, const ResourceUse& use);

// 100 * need / budget; 0 when both are 0, +infinity when only the budget is.
double percent_of(double need, double budget);

}  // namespace shiftsim::sim
