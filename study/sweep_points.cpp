#include "study/sweep_points.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace shiftsim::sim {

std::vector<std::string> SweepPoint::sets(const SweepSpec& spec) const {
  std::vector<std::string> out;
  for (size_t i = 0; i < values.size(); ++i) out.push_back(spec.parameters[i].path + "=" + values[i].dump());
  return out;
}

nlohmann::json SweepPoint::params_json(const SweepSpec& spec) const {
  nlohmann::json j = nlohmann::json::object();
  for (size_t i = 0; i < values.size(); ++i) j[spec.parameters[i].path] = values[i];
  return j;
}

std::vector<SweepPoint> expand_points(const SweepSpec& spec) {
  std::vector<SweepPoint> out;
  const size_t np = spec.parameters.size();
  for (size_t n = 0; n < spec.networks.size(); ++n) {
    std::vector<size_t> digit(np, 0);  // an odometer over the value lists
    for (;;) {
      SweepPoint p;
      p.index = out.size();
      p.network = n;
      for (size_t i = 0; i < np; ++i) p.values.push_back(spec.parameters[i].values[digit[i]]);
      out.push_back(std::move(p));
      bool wrapped = true;  // every digit rolled over: all combinations made
      for (size_t i = np; i-- > 0;) {
        if (++digit[i] < spec.parameters[i].values.size()) {
          wrapped = false;
          break;
        }
        digit[i] = 0;
      }
      if (wrapped) break;
    }
  }
  return out;
}

std::string fingerprint(const std::string& bytes) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", (unsigned long long)h);
  return buf;
}

const std::string& FileContents::get(const std::string& path) {
  auto it = cache_.find(path);
  if (it != cache_.end()) return it->second;
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  if (in) ss << in.rdbuf();
  return cache_[path] = in ? ss.str() : std::string();
}

std::string point_hash(const SweepSpec& spec, const SweepPoint& p, const std::string& device_file,
                       const std::string& energy_file, FileContents& files) {
  // Sorted keys (nlohmann::json is a std::map) make the dump canonical.
  nlohmann::json def;
  def["base"] = fingerprint(files.get(spec.base));
  def["sets"] = p.sets(spec);
  def["network"] = fingerprint(files.get(spec.networks[p.network]));
  def["device"] = device_file.empty() ? "" : fingerprint(files.get(device_file));
  def["energy"] = energy_file.empty() ? "" : fingerprint(files.get(energy_file));
  def["seed"] = spec.seed;
  def["mode"] = spec.mode;
  def["check"] = spec.check;
  return fingerprint(def.dump());
}

}  // namespace shiftsim::sim
