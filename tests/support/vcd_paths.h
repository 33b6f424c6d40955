#pragma once
// A VCD read by signal path ("accelerator.compute_unit.rtl.out_filled0"), values kept as
// written ("1", "b0101"): enough for the tests of a trace that nests the RTL's scopes, whose
// identifiers can be several characters and whose buses are wider than 64 bits.
#include <cstdint>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace shiftsim::test {

struct PathVcd {
  std::map<std::string, std::string> ids;          // path -> id
  std::map<std::string, std::set<std::string>> scopes_of;  // id -> the scopes declaring it
  std::vector<uint64_t> times;
  std::set<uint64_t> dumpvars_times;               // times with a $dumpvars
  std::map<std::string, std::vector<std::pair<uint64_t, std::string>>> changes;  // id -> (time, value)

  const std::vector<std::pair<uint64_t, std::string>>& of(const std::string& path) const {
    static const std::vector<std::pair<uint64_t, std::string>> none;
    const auto id = ids.find(path);
    if (id == ids.end()) return none;
    const auto c = changes.find(id->second);
    return c == changes.end() ? none : c->second;
  }
  // The times a signal changed after the first value it shows.
  std::vector<uint64_t> toggles(const std::string& path) const {
    std::vector<uint64_t> t;
    const auto& c = of(path);
    for (size_t i = 1; i < c.size(); ++i)
      if (c[i].second != c[i - 1].second) t.push_back(c[i].first);
    return t;
  }
};

inline PathVcd parse_vcd_paths(const std::string& text) {
  PathVcd v;
  std::istringstream in(text);
  std::vector<std::string> scope;
  std::string tok;
  uint64_t now = 0;
  auto joined = [&] {
    std::string s;
    for (const std::string& p : scope) s += (s.empty() ? "" : ".") + p;
    return s;
  };
  auto to_end = [&] {
    for (std::string t; in >> t && t != "$end";) {
    }
  };
  while (in >> tok) {
    if (tok == "$scope") {
      std::string kind, name;
      in >> kind >> name;
      scope.push_back(name);
      to_end();
    } else if (tok == "$upscope") {
      scope.pop_back();
      to_end();
    } else if (tok == "$var") {
      std::string type, width, id, name;
      in >> type >> width >> id >> name;
      v.ids[joined() + "." + name] = id;
      v.scopes_of[id].insert(joined());
      to_end();
    } else if (tok == "$date" || tok == "$version" || tok == "$timescale" || tok == "$comment" ||
               tok == "$enddefinitions") {
      to_end();
    } else if (tok == "$dumpvars") {
      v.dumpvars_times.insert(now);
    } else if (tok[0] == '#') {
      now = std::stoull(tok.substr(1));
      v.times.push_back(now);
    } else if (tok[0] == 'b' || tok[0] == 'r') {
      std::string id;
      in >> id;
      v.changes[id].push_back({now, tok});
    } else if (tok[0] != '$' && tok.size() >= 2) {
      v.changes[tok.substr(1)].push_back({now, tok.substr(0, 1)});
    }
  }
  return v;
}

}  // namespace shiftsim::test
