#include "study/sweep_spec.h"

#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

#include "common/input_error.h"
#include "common/json_reader.h"
#include "common/json_text.h"
#include "sim/overrides.h"

namespace shiftsim::sim {

namespace {

constexpr const char* kObjectiveNames[kObjectiveCount] = {
    "cycles", "latency_ms", "gops", "energy_mj", "power_w", "gops_per_w",
    "lut",    "ff",         "dsp",  "bram36",    "uram"};

// A sweep larger than this is a typo in a range, not a plan.
constexpr size_t kMaxValuesPerParameter = 100000;

std::string resolve(const std::string& sweep_file, const std::string& ref) {
  namespace fs = std::filesystem;
  if (fs::path(ref).is_absolute()) return ref;
  return (fs::path(sweep_file).parent_path() / ref).lexically_normal().string();
}

std::string at(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

[[noreturn]] void fail_at(const std::string& file, const std::string& path, const std::string& msg) {
  throw InputError(file + ": " + path + ": " + msg);
}

Objective read_objective(const nlohmann::json& v, const std::string& file, const std::string& path) {
  if (!v.is_string()) fail_at(file, path, "must be an objective name, found " + json_excerpt(v));
  const auto o = objective_from_name(v.get<std::string>());
  if (!o) fail_at(file, path, "unknown objective \"" + excerpt(v.get<std::string>()) + "\" (one of " + objective_names() + ")");
  return *o;
}

std::vector<nlohmann::json> read_values(const nlohmann::json& v, const std::string& file,
                                        const std::string& path) {
  if (v.is_object()) return expand_range(v, file, path);
  if (!v.is_array()) fail_at(file, path, "must be a list of values or a range {from, to, step|times}, found " + json_excerpt(v));
  if (v.empty()) fail_at(file, path, "must list at least one value");
  // The range's limit holds for a list too (a 64 MiB file holds millions of numbers).
  if (v.size() > kMaxValuesPerParameter)
    fail_at(file, path, "lists " + std::to_string(v.size()) + " values, more than " + std::to_string(kMaxValuesPerParameter));
  std::vector<nlohmann::json> out;
  std::set<nlohmann::json> seen;  // repeats found in n log n, not n^2
  for (size_t i = 0; i < v.size(); ++i) {
    if (!(v[i].is_number() || v[i].is_string() || v[i].is_boolean()))
      fail_at(file, at(path, i), "must be a number, string or boolean, found " + json_excerpt(v[i]));
    if (!seen.insert(v[i]).second) fail_at(file, at(path, i), "repeats the value " + json_excerpt(v[i]));
    out.push_back(v[i]);
  }
  return out;
}

SweepConstraints read_constraints(JsonReader r) {
  SweepConstraints c;
  c.fits_device = r.flag("fits_device", true, "refuse points whose resources exceed the device (never simulated)");
  if (r.has("max_dsp"))
    c.max_dsp = r.number("max_dsp", 0.0, 1e9, "refuse points needing more DSP slices than this");
  JsonReader b = r.optional_child("bounds", "per objective {min, max}: resource bounds refuse a point, others mark it out of bounds");
  for (const auto& item : b.node().items()) {
    const auto o = objective_from_name(item.key());
    if (!o) b.fail(item.key(), "unknown objective (one of " + objective_names() + ")");
    b.raw(item.key(), "bounds of one objective");
    JsonReader one(item.value(), r.file(), b.path() + "." + item.key());
    ObjectiveBound bound{*o, {}, {}};
    if (one.has("min")) bound.min = one.number("min", -1e300, 1e300, "smallest acceptable value");
    if (one.has("max")) bound.max = one.number("max", -1e300, 1e300, "largest acceptable value");
    one.finish();
    if (!bound.min && !bound.max) one.fail_here("needs \"min\", \"max\" or both");
    if (bound.min && bound.max && *bound.min > *bound.max) one.fail("min", "is larger than max");
    c.bounds.push_back(bound);
  }
  b.finish();
  r.finish();
  return c;
}

}  // namespace

const char* objective_name(Objective o) { return kObjectiveNames[size_t(o)]; }

bool objective_maximized(Objective o) { return o == Objective::gops || o == Objective::gops_per_w; }

bool objective_is_resource(Objective o) { return o >= Objective::lut; }

std::optional<Objective> objective_from_name(const std::string& name) {
  for (size_t i = 0; i < kObjectiveCount; ++i)
    if (name == kObjectiveNames[i]) return Objective(i);
  return std::nullopt;
}

std::string objective_names() {
  std::string s;
  for (const char* n : kObjectiveNames) s += (s.empty() ? "" : ", ") + std::string(n);
  return s;
}

std::vector<nlohmann::json> expand_range(const nlohmann::json& range, const std::string& file,
                                         const std::string& path) {
  JsonReader r(range, file, path);
  const bool integral = range.value("from", nlohmann::json()).is_number_integer() &&
                        range.value("to", nlohmann::json()).is_number_integer() &&
                        !range.contains("times") &&
                        range.value("step", nlohmann::json()).is_number_integer();
  const double from = r.number("from", -1e15, 1e15, "first value");
  const double to = r.number("to", -1e15, 1e15, "last value (included when the steps reach it)");
  const bool has_step = r.has("step"), has_times = r.has("times");
  if (has_step == has_times) r.fail_here("needs exactly one of \"step\" (from, from+step, ...) or \"times\" (from, from*times, ...)");
  std::vector<nlohmann::json> out;
  // Float steps accumulate error: an end within a millionth of a step still counts as reached.
  if (has_step) {
    const double step = r.number("step", -1e15, 1e15, "difference between consecutive values");
    if (step == 0) r.fail("step", "must not be 0");
    if ((to - from) / step < -1e-9) r.fail("step", "goes away from \"to\"");
    const double n = std::floor((to - from) / step + 1e-6);
    if (n + 1 > double(kMaxValuesPerParameter)) r.fail_here("expands to more than " + std::to_string(kMaxValuesPerParameter) + " values");
    for (int64_t i = 0; i <= int64_t(n); ++i) {
      if (integral) out.push_back(range["from"].get<int64_t>() + i * range["step"].get<int64_t>());
      else out.push_back(from + double(i) * step);
    }
  } else {
    const double times = r.number("times", 1e-9, 1e9, "ratio between consecutive values");
    if (times == 1) r.fail("times", "must not be 1");
    if (from == 0) r.fail("from", "must not be 0 with \"times\"");
    if ((from > 0) != (to > 0)) r.fail("to", "must have the sign of \"from\" with \"times\"");
    const bool ints = range["from"].is_number_integer() && range["to"].is_number_integer() &&
                      range["times"].is_number_integer();
    const double growth = std::log(to / from) / std::log(times);
    if (growth < -1e-9) r.fail("times", "goes away from \"to\"");
    const double n = std::floor(growth + 1e-6);
    if (n + 1 > double(kMaxValuesPerParameter)) r.fail_here("expands to more than " + std::to_string(kMaxValuesPerParameter) + " values");
    double v = from;
    for (int64_t i = 0; i <= int64_t(n); ++i, v *= times) {
      if (ints) out.push_back(int64_t(std::llround(v)));
      else out.push_back(v);
    }
  }
  r.finish();
  return out;
}

SweepSpec parse_sweep_spec(const nlohmann::json& doc, const std::string& file) {
  JsonReader r(doc, file, "");
  r.expect_schema("shiftsim.sweep", 1);
  SweepSpec s;
  s.file = file;
  s.name = r.str("name", "sweep name: the default output directory and the plots' titles");
  // It names a directory (sweep-<name>), so no path separators or surprises.
  if (s.name.empty() || s.name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != std::string::npos ||
      s.name[0] == '.')
    r.fail("name", "must be letters, digits, '_', '-' or '.' (not first), found \"" + s.name + "\"");
  s.description = r.str("description", "", "what the sweep asks");
  s.base = resolve(file, r.str("base", "base arch file, relative to this file's directory"));
  const std::vector<std::string> nets = r.str_list("networks", "network files, relative to this file's directory");
  if (nets.empty()) r.fail("networks", "must list at least one network");
  for (const auto& n : nets) s.networks.push_back(resolve(file, n));
  s.seed = uint64_t(r.integer("seed", 1, 0, std::numeric_limits<int64_t>::max(), "seed of the generated weights and input"));
  s.mode = r.choice("mode", "fast", {"fast", "cycle"}, "simulation mode of each point's run");
  s.check = r.flag("check", false, "compare every run with the golden executor (slower)");

  JsonReader params = r.child("parameters", "arch paths (as --set takes them) to vary, each a list or a range");
  if (params.node().empty()) params.fail_here("must name at least one parameter");
  for (const auto& item : params.node().items()) {
    const std::string where = excerpt(params.path() + "." + item.key(), 200);  // a key is the file's text
    try {
      parse_override(item.key() + "=0");
    } catch (const InputError& e) {
      fail_at(file, where, "not a parameter path: " + excerpt(e.what(), 200));
    }
    params.raw(item.key(), "values of one arch parameter");
    s.parameters.push_back({item.key(), read_values(item.value(), file, where)});
  }
  params.finish();

  s.constraints = read_constraints(r.optional_child("constraints", "which points to refuse or mark out of bounds"));

  if (r.has("objectives")) {
    const nlohmann::json& v = r.raw("objectives", "objectives the tables show");
    if (!v.is_array() || v.empty()) r.fail("objectives", "must be a non-empty list of objective names");
    for (size_t i = 0; i < v.size(); ++i) s.objectives.push_back(read_objective(v[i], file, at("objectives", i)));
  } else {
    s.objectives = {Objective::cycles, Objective::energy_mj, Objective::lut, Objective::dsp};
  }
  if (r.has("pareto")) {
    const nlohmann::json& v = r.raw("pareto", "Pareto fronts, each a list of 2 or 3 objectives");
    if (!v.is_array()) r.fail("pareto", "must be a list of objective lists");
    for (size_t i = 0; i < v.size(); ++i) {
      const nlohmann::json& f = v[i];
      if (!f.is_array() || f.size() < 2 || f.size() > 3)
        fail_at(file, at("pareto", i), "must list 2 or 3 objectives, found " + json_excerpt(f));
      std::vector<Objective> front;
      for (size_t k = 0; k < f.size(); ++k) {
        const Objective o = read_objective(f[k], file, at(at("pareto", i), k));
        for (Objective seen : front)
          if (seen == o) fail_at(file, at(at("pareto", i), k), "repeats " + std::string(objective_name(o)));
        front.push_back(o);
      }
      s.pareto.push_back(front);
    }
  } else if (s.objectives.size() >= 2) {
    s.pareto.push_back({s.objectives[0], s.objectives[1]});
  }
  r.finish();
  return s;
}

SweepSpec read_sweep_spec(const std::string& path) { return parse_sweep_spec(read_json_file(path), path); }

}  // namespace shiftsim::sim
