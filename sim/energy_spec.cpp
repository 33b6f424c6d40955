#include "sim/energy_spec.h"

#include "common/json_reader.h"

namespace shiftsim::sim {

namespace {

// Bounds that only catch typos: no FPGA action costs a microjoule, no device leaks a kilowatt.
constexpr double kMaxPj = 1e6;
constexpr double kMaxWatts = 1000;

// One {"value": v, "source": "..."} entry.
double entry(JsonReader& parent, const std::string& key, double hi, const std::string& unit,
             const std::string& description, std::vector<EnergyEntry>& out) {
  JsonReader r = parent.child(key, description);
  EnergyEntry e;
  e.path = r.path();
  e.value = r.number("value", 0.0, hi, unit);
  e.source = r.str("source", "where the value comes from (a paper, a data sheet, or 'estimate' and why)");
  if (e.source.find_first_not_of(" \t") == std::string::npos)
    r.fail("source", "must name where the value comes from, found an empty string");
  r.finish();
  out.push_back(e);
  return e.value;
}

// The "dynamic" entries, in file order: key, field of the table, description.
struct DynamicEntry {
  const char* key;
  double models::EnergyTable::*field;
  const char* description;
};
const DynamicEntry kDynamic[] = {
    {"dsp_pj_per_operand_bit", &models::EnergyTable::dsp_pj_per_operand_bit,
     "DSP multiply-add, per operand bit (a + w)"},
    {"lut_logic_pj", &models::EnergyTable::lut_logic_pj, "one LUT evaluating new data (shift, multiplexer)"},
    {"lut_add_pj_per_bit", &models::EnergyTable::lut_add_pj_per_bit, "one adder bit, LUT and carry chain"},
    {"ff_pj_per_bit", &models::EnergyTable::ff_pj_per_bit, "one flip-flop loaded with new data"},
    {"bram_read_pj_per_bit", &models::EnergyTable::bram_read_pj_per_bit, "one bit read from a block RAM"},
    {"bram_write_pj_per_bit", &models::EnergyTable::bram_write_pj_per_bit, "one bit written to a block RAM"},
    {"interconnect_pj_per_byte", &models::EnergyTable::interconnect_pj_per_byte,
     "one byte through the on-chip interconnect"},
    {"dram_pj_per_byte", &models::EnergyTable::dram_pj_per_byte, "one byte read from or written to DRAM"},
};

}  // namespace

EnergySpec parse_energy_spec(const nlohmann::json& doc, const std::string& file) {
  JsonReader r(doc, file, "");
  EnergySpec s;
  s.file = file;
  s.name = r.str("name", "what this table is for");
  s.device = r.str("device", "board the table describes, e.g. ZCU102");
  s.process = r.str("process", "", "silicon process and core voltage the values are scaled to");
  s.description = r.str("description", "", "how the values were obtained");
  models::EnergyTable& t = s.table;
  JsonReader d = r.child("dynamic", "energy per action, in picojoules");
  for (const DynamicEntry& e : kDynamic) t.*e.field = entry(d, e.key, kMaxPj, "pJ", e.description, s.entries);
  d.finish();
  JsonReader st = r.child("static", "power drawn whatever the design does");
  t.static_w = entry(st, "power_w", kMaxWatts, "W", "static power of the device", s.entries);
  st.finish();
  r.finish();
  return s;
}

EnergySpec load_energy_spec(const std::string& path) {
  return parse_energy_spec(read_json_file(path), path);
}

}  // namespace shiftsim::sim
