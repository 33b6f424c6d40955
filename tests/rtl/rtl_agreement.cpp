#include "tests/rtl/rtl_agreement.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "study/differential_cases.h"
#include "tests/support/cli.h"

namespace shiftsim::test {

namespace fs = std::filesystem;

RtlShapeSets small_rtl_shape(models::ArrayKind kind) {
  if (kind == models::ArrayKind::svpe)
    return {kind,
            {"pe_array.lanes=4", "pe_array.vector=2", "pe_array.kernel=3", "pe_array.product_stages=1",
             "numerics.weight_bits=3"}};
  return {kind, {"pe_array.lanes=4", "pe_array.vector=2", "pe_array.kernel=3", "pe_array.product_stages=3"}};
}

RtlShapeSets zcu102_rtl_shape(models::ArrayKind kind) {
  if (kind == models::ArrayKind::svpe)
    return {kind,
            {"pe_array.lanes=32", "pe_array.vector=8", "pe_array.kernel=3", "pe_array.product_stages=1",
             "numerics.weight_bits=3"}};
  return {kind, {"pe_array.lanes=16", "pe_array.vector=4", "pe_array.kernel=3", "pe_array.product_stages=3"}};
}

namespace {
// Draws near the shape the array becomes, so that the cycle budget of a draw is about what it
// costs. The ZCU102 shapes evaluate 8 to 16 times the small shapes' products every cycle: their
// draws get fewer cycles.
sim::CaseRanges ranges(RtlShapeSize size) {
  sim::CaseRanges r;
  const bool small = size != RtlShapeSize::zcu102;
  if (size == RtlShapeSize::small_strides) r.max_conv_stride = 6;
  r.max_lanes = small ? 4 : 32;
  r.max_vector = small ? 2 : 8;
  r.max_array_kernel = 3;
  r.max_cycles = small ? 60000 : 20000;
  return r;
}

// The verilated units hold 48-bit entries: a drawn accumulator above that is narrowed (the
// guard bits still make every pass's sum exact, docs/ARCHITECTURE.md §6).
std::string acc_set(const std::vector<std::string>& sets) {
  int acc = 48;
  for (const std::string& s : sets)
    if (s.rfind("numerics.acc_bits=", 0) == 0) acc = std::min(48, std::stoi(s.substr(18)));
  return "numerics.acc_bits=" + std::to_string(acc);
}

// A VCD as what it means: the header, then per time the value each changed signal ends with.
// The order of changes within one time is the order the units happened to report them in,
// which the two compute units need not share.
std::vector<std::pair<std::string, std::map<std::string, std::string>>> vcd_values(const std::string& text) {
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> out;
  out.emplace_back("header", std::map<std::string, std::string>{});
  std::istringstream in(text);
  std::string header;
  bool body = false;
  for (std::string line; std::getline(in, line);) {
    if (!body) {
      header += line + "\n";
      if (line.find("$enddefinitions") != std::string::npos) {
        body = true;
        out.back().second[""] = header;
      }
    } else if (!line.empty() && line[0] == '#') {
      out.emplace_back(line, std::map<std::string, std::string>{});
    } else if (!line.empty() && line[0] != '$') {
      // "b1010 id" or "1id": the identifier after the value.
      const size_t space = line.find(' ');
      const std::string id = space == std::string::npos ? line.substr(1) : line.substr(space + 1);
      out.back().second[id] = line;
    }
  }
  return out;
}

// "" when the two VCDs hold the same values at the same times, else the first difference.
std::string first_difference(const std::string& a, const std::string& b) {
  const auto va = vcd_values(a), vb = vcd_values(b);
  for (size_t i = 0; i < std::min(va.size(), vb.size()); ++i) {
    if (va[i].first != vb[i].first)
      return "time step " + std::to_string(i) + ": native " + va[i].first + ", rtl " + vb[i].first;
    if (va[i].second == vb[i].second) continue;
    for (const auto& [id, line] : va[i].second) {
      const auto it = vb[i].second.find(id);
      if (it == vb[i].second.end() || it->second != line)
        return "at " + va[i].first + ": native '" + line + "', rtl '" +
               (it == vb[i].second.end() ? "no change" : it->second) + "'";
    }
    return "at " + va[i].first + ": the rtl run changes a signal the native run does not";
  }
  return va.size() == vb.size() ? "" : "the traces end at different times";
}

// The machine's part of a VCD: the RTL's scope `rtl` (docs/RTL.md, "VCD") taken out, with its
// declarations, its changes, and the times only it changed at.
std::string machine_part(const std::string& text) {
  std::istringstream in(text);
  std::ostringstream out;
  std::set<std::string> rtl_ids;
  int depth = 0;  // inside the rtl scope: its nesting depth
  bool body = false;
  std::string stamp;  // a timestamp not yet written: only if a machine change follows
  for (std::string line; std::getline(in, line);) {
    if (!body) {
      if (depth == 0 && line == "$scope module rtl $end") depth = 1;
      else if (depth > 0 && line.rfind("$scope", 0) == 0) ++depth;
      else if (depth > 0 && line.rfind("$upscope", 0) == 0) --depth;
      else if (depth > 0 && line.rfind("$var", 0) == 0) {
        std::istringstream v(line);
        std::string var, type, width, id;
        v >> var >> type >> width >> id;
        rtl_ids.insert(id);
      } else if (depth == 0) {
        out << line << '\n';
        body = line == "$enddefinitions $end";
      }
      continue;
    }
    if (!line.empty() && line[0] == '#') {
      stamp = line;
      continue;
    }
    if (!line.empty() && line[0] != '$') {
      const size_t space = line.find(' ');
      if (rtl_ids.count(space == std::string::npos ? line.substr(1) : line.substr(space + 1))) continue;
    }
    if (!stamp.empty()) out << stamp << '\n';
    stamp.clear();
    out << line << '\n';
  }
  return out.str();
}

void write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

CliResult run(const sim::DiffCase& c, const std::vector<std::string>& sets, const std::string& dir,
              const std::string& impl) {
  std::vector<std::string> args = {"run", "--arch", c.base_arch, "--net", dir + "/net.json", "--mode", "cycle",
                                   "--seed", std::to_string(c.seed), "--report", dir + "/" + impl + ".json",
                                   "--dump-outputs", dir + "/" + impl, "--vcd", dir + "/" + impl + ".vcd",
                                   "--set", "pe_array.impl=" + impl};
  for (const std::string& s : sets) {
    args.push_back("--set");
    args.push_back(s);
  }
  return run_shiftsim(args, dir);
}
}  // namespace

void check_rtl_agreement(uint64_t seed, const std::string& name, AgreementTotals& totals, RtlShapeSize size) {
  sim::Rejections rejected;
  const sim::DiffCase c = sim::draw_case(seed, ranges(size), repo("configs/arch"), rejected);
  std::vector<std::string> sets = c.sets;
  const RtlShapeSets shape = size == RtlShapeSize::zcu102 ? zcu102_rtl_shape(c.array) : small_rtl_shape(c.array);
  sets.insert(sets.end(), shape.sets.begin(), shape.sets.end());
  sets.push_back(acc_set(c.sets));
  const std::string dir = scratch_dir(name + "-" + std::to_string(seed));
  write(dir + "/net.json", c.net_json);
  INFO("seed " << seed << ": " << c.description << " (the array replaced: " << shape.sets[0] << ", "
                << shape.sets[1] << ", " << shape.sets[2] << ", " << shape.sets[3] << ")");

  const CliResult native = run(c, sets, dir, "native");
  if (native.code == 2 && native.err.find("buffer") != std::string::npos) {
    ++totals.refused;
    return;
  }
  INFO("native: " << native.err);
  REQUIRE(native.code == 0);
  const CliResult rtl = run(c, sets, dir, "rtl");
  INFO("rtl: " << rtl.err);
  REQUIRE(rtl.code == 0);

  const nlohmann::json a = read_json(dir + "/native.json"), b = read_json(dir + "/rtl.json");
  CHECK(a["cycles"] == b["cycles"]);
  REQUIRE(a["layers"].size() == b["layers"].size());
  for (size_t i = 0; i < a["layers"].size(); ++i) {
    INFO("layer " << a["layers"][i]["name"]);
    for (const char* k : {"cycles", "compute_cycles", "memory_stall_cycles", "idle_cycles", "saturations", "energy"})
      CHECK(a["layers"][i][k] == b["layers"][i][k]);
    CHECK(b["layers"][i]["bit_exact"] == true);
  }
  CHECK(b["bit_exact"] == true);
  // Every output tensor, byte for byte.
  size_t files = 0;
  for (const auto& f : fs::directory_iterator(dir + "/native")) {
    ++files;
    CHECK(slurp(f.path().string()) == slurp(dir + "/rtl/" + f.path().filename().string()));
  }
  CHECK(files == a["layers"].size());
  // The machine's trace, cycle by cycle: the handshakes, issues, preloads, accumulator writes,
  // hazard stalls and pipeline occupancy of the compute unit and every other unit.
  // The rtl run's VCD holds the RTL's own signals too (tests/rtl/test_rtl_vcd.cpp): without
  // them, the same header and the same values at the same times as the native run's.
  const std::string va = slurp(dir + "/native.vcd"), vb = slurp(dir + "/rtl.vcd");
  CHECK(!va.empty());
  CHECK(vb.find("$scope module rtl $end") != std::string::npos);
  CHECK(first_difference(va, machine_part(vb)) == "");
  ++totals.cases;
  ++(c.array == models::ArrayKind::svpe ? totals.svpe_cases : totals.vpe_cases);
  totals.layers += int(a["layers"].size());
  const nlohmann::json net = nlohmann::json::parse(c.net_json);
  for (const auto& layer : net["layers"]) {
    const int stride = layer.value("stride", 1);
    if (layer.value("type", std::string()) == "conv" && stride > 3 && stride % 3 != 0) ++totals.wide_stride_convs;
  }
  fs::remove_all(dir);
}

}  // namespace shiftsim::test
