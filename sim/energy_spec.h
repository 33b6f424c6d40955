#pragma once
// The energy table of a device (configs/energy/*.json): per-action energies and static power,
// each entry a {"value", "source"} pair so that every constant carries where it comes from
// (docs/ENERGY.md). Read once into models::EnergyTable; JSON stops here.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/energy/energy.h"

namespace shiftsim::sim {

struct EnergyEntry {
  std::string path;  // JSON path, e.g. "dynamic.dram_pj_per_byte"
  double value = 0;
  std::string source;
};

struct EnergySpec {
  std::string file, name, device, process, description;
  models::EnergyTable table;
  std::vector<EnergyEntry> entries;  // every constant, in file order
};

// Reads an energy table. A missing file, bad JSON, a missing entry, a value that is not a
// non-negative number, a missing or empty source, or an unknown key is an InputError naming the
// file and the JSON path (e.g. "x.json: dynamic.dram_pj_per_byte.value: must be >= 0, found -1").
EnergySpec load_energy_spec(const std::string& path);
EnergySpec parse_energy_spec(const nlohmann::json& doc, const std::string& file);

}  // namespace shiftsim::sim
