#pragma once
// A design-space sweep as its JSON file describes it (configs/sweeps/*.json, docs/SWEEPS.md):
// a base arch file, the networks, the arch parameters to vary (any path `--set` accepts),
// constraints and objectives. Read like every other config: typed, with defaults, unknown keys
// refused, errors naming the file and the JSON path.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace shiftsim::sim {

// The figures a sweep can report, compare and bound. Every point gets all of them; the spec's
// "objectives" chooses which the tables show.
enum class Objective { cycles, latency_ms, gops, energy_mj, power_w, gops_per_w, lut, ff, dsp, bram36, uram };
constexpr size_t kObjectiveCount = 11;
const char* objective_name(Objective o);
// Lower is better for all but GOP/s and GOP/s/W.
bool objective_maximized(Objective o);
// Resources are known before simulating, so their bounds refuse a point without running it.
bool objective_is_resource(Objective o);
std::optional<Objective> objective_from_name(const std::string& name);
std::string objective_names();  // "cycles, latency_ms, ..." for error messages

struct SweepParameter {
  std::string path;                  // as `--set` takes it: "pe_array.lanes"
  std::vector<nlohmann::json> values;  // in sweep order (a range already expanded)
};

struct ObjectiveBound {
  Objective objective;
  std::optional<double> min, max;
};

struct SweepConstraints {
  bool fits_device = true;            // refuse points whose resources exceed the device
  std::optional<double> max_dsp;      // refuse points needing more DSPs
  std::vector<ObjectiveBound> bounds; // per objective: resources refuse, the rest mark a row out of bounds
};

struct SweepSpec {
  std::string file;         // the sweep file as given
  std::string name;
  std::string description;
  std::string base;         // base arch file, resolved against the sweep file's directory
  std::vector<std::string> networks;  // resolved likewise
  uint64_t seed = 1;
  std::string mode = "fast";  // the child runs' simulation mode: fast or cycle
  bool check = false;         // compare each child run with the golden executor
  std::vector<SweepParameter> parameters;  // sorted by path (JSON object order)
  SweepConstraints constraints;
  std::vector<Objective> objectives;            // the columns tables show
  std::vector<std::vector<Objective>> pareto;   // fronts to compute, 2 or 3 objectives each
};

// Reads and checks a sweep file; throws InputError "<file>: <json path>: <message>".
SweepSpec read_sweep_spec(const std::string& path);
// The same from parsed JSON; relative paths resolve against `file`'s directory.
SweepSpec parse_sweep_spec(const nlohmann::json& doc, const std::string& file);

// A range {"from", "to", "step"} (arithmetic) or {"from", "to", "times"} (geometric), both
// ends included when reached; integers stay integers. Throws InputError naming file and path.
std::vector<nlohmann::json> expand_range(const nlohmann::json& range, const std::string& file,
                                         const std::string& path);

}  // namespace shiftsim::sim
