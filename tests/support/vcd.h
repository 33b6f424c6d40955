#pragma once
// A reader for the VCD files shiftsim writes, enough for tests: signal ids by name, the time
// stamps, and each signal's changes (a value with x bits reads as kVcdX).
#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace shiftsim::test {

constexpr uint64_t kVcdX = ~0ull;

struct Vcd {
  std::map<std::string, std::string> ids;  // name -> id (the last scope's, when names repeat)
  std::vector<uint64_t> times;
  std::map<std::string, std::vector<std::pair<uint64_t, uint64_t>>> changes;  // id -> (time, value)

  // The changes of the signal `name`; empty when it never changed.
  const std::vector<std::pair<uint64_t, uint64_t>>& of(const std::string& name) const {
    static const std::vector<std::pair<uint64_t, uint64_t>> none;
    const auto id = ids.find(name);
    if (id == ids.end()) return none;
    const auto c = changes.find(id->second);
    return c == changes.end() ? none : c->second;
  }
};

inline Vcd parse_vcd(const std::string& text) {
  Vcd v;
  std::istringstream in(text);
  std::string tok;
  uint64_t now = 0;
  while (in >> tok) {
    if (tok == "$scope") {  // $scope module NAME $end
      std::string kind, name, end;
      in >> kind >> name >> end;
    } else if (tok == "$var") {
      std::string type, width, id, name;
      in >> type >> width >> id >> name;
      v.ids[name] = id;
    } else if (tok[0] == '#') {
      now = std::stoull(tok.substr(1));
      v.times.push_back(now);
    } else if (tok[0] == 'b') {
      std::string id;
      in >> id;
      const std::string bits = tok.substr(1);
      v.changes[id].push_back({now, bits.find('x') != std::string::npos ? kVcdX : std::stoull(bits, nullptr, 2)});
    } else if ((tok[0] == '0' || tok[0] == '1') && tok.size() == 2) {
      v.changes[tok.substr(1)].push_back({now, uint64_t(tok[0] - '0')});
    }
  }
  return v;
}

}  // namespace shiftsim::test
