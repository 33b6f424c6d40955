#pragma once
// A sweep's design points: every network times every combination of parameter values, in a
// fixed order, each with a hash of its full definition (the contents of every file it reads,
// not their names) so that a resumed sweep can tell a finished point from a changed one.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "study/sweep_spec.h"

namespace shiftsim::sim {

struct SweepPoint {
  size_t index = 0;                    // position in the sweep's order
  size_t network = 0;                  // index into SweepSpec::networks
  std::vector<nlohmann::json> values;  // one per SweepSpec::parameters
  // "path=value" overrides for `--set`; the value as a JSON literal, so strings stay strings.
  std::vector<std::string> sets(const SweepSpec& spec) const;
  // {"pe_array.lanes": 16, ...}
  nlohmann::json params_json(const SweepSpec& spec) const;
};

// Networks outermost, then the parameters in key order (a JSON object is read sorted by key),
// the last varying fastest.
std::vector<SweepPoint> expand_points(const SweepSpec& spec);

// 64-bit FNV-1a as 16 hex digits: a content fingerprint, not a security hash.
std::string fingerprint(const std::string& bytes);

// Reads each file once; a file that cannot be read fingerprints as its absence.
class FileContents {
 public:
  const std::string& get(const std::string& path);

 private:
  std::map<std::string, std::string> cache_;
};

// The point's definition: base arch, overrides, network, device and energy files (by content),
// seed, mode and golden check. `device_file` / `energy_file` are "" when the arch is invalid.
std::string point_hash(const SweepSpec& spec, const SweepPoint& p, const std::string& device_file,
                       const std::string& energy_file, FileContents& files);

}  // namespace shiftsim::sim
