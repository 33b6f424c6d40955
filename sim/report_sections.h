#pragma once
// Sections of the run report kept out of report.cpp: resources against the device
// (report_resources.cpp), energy (report_energy.cpp) and the test set (report_test_set.cpp). Each builds its part of the Report,
// writes it as JSON and prints it as a table.
#include <ostream>

#include <nlohmann/json.hpp>

#include "sim/arch_config.h"
#include "sim/report.h"

namespace shiftsim::sim {

ResourceReport build_resource_report(const ArchConfig& cfg, bool allowed_over_budget);
nlohmann::ordered_json resource_report_json(const ResourceReport& r);
void print_resource_table(std::ostream& os, const ResourceReport& r);

// Fills r.energy and every layer's energy, power, GOP/s and GOP/s/W; needs r's cycles and
// MACs filled first.
void add_energy(Report& r, const Prepared& p, const RunOutcome& out);
nlohmann::ordered_json energy_report_json(const EnergyReport& e);
nlohmann::ordered_json layer_energy_json(const LayerReport& l);
std::string energy_csv_header();
std::string energy_csv_columns(const LayerReport& l);  // starts with ','
void print_energy_table(std::ostream& os, const Report& r);

nlohmann::ordered_json test_set_json(const TestSetReport& t);
void print_test_set(std::ostream& os, const TestSetReport& t);

}  // namespace shiftsim::sim
