// One VCD for an RTL run (docs/RTL.md, "VCD"): `--vcd t.vcd` with pe_array.impl=rtl writes
// t.vcd alone, holding the machine's scopes and the RTL's (accelerator.compute_unit.rtl); the
// RTL's handshake toggles and clock fall at the machine's times; GTKWave's converter reads the
// file; a cycle window or a layer filter holds the RTL's changes inside it only, and the RTL's
// values at its start.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "tests/rtl/rtl_agreement.h"
#include "tests/support/cli.h"
#include "tests/support/vcd_paths.h"

using namespace shiftsim::test;

namespace {
namespace fs = std::filesystem;

constexpr uint64_t kPeriodPs = 5000;  // svpe_zcu102.json: 200 MHz
const std::string kCu = "accelerator.compute_unit.";
const std::string kRtl = "accelerator.compute_unit.rtl.";

// Two conv layers on the small SVPE shape: about a thousand cycles, a few output tiles.
const char* kNet =
    R"({"name": "small", "input": {"shape": [4, 10, 10]}, "layers": [
  {"name": "c1", "type": "conv", "out_channels": 8, "kernel": 3, "stride": 1, "pad": 1, "relu": true},
  {"name": "c2", "type": "conv", "out_channels": 4, "kernel": 3, "stride": 1, "pad": 0, "relu": false}]})";

PathVcd run_traced(const std::string& dir, const std::vector<std::string>& extra) {
  write_text(dir + "/net.json", kNet);
  std::vector<std::string> args = {"run", "--arch", repo("configs/arch/svpe_zcu102.json"), "--net", dir + "/net.json",
                                   "--mode", "cycle", "--set", "pe_array.impl=rtl", "--vcd", dir + "/t.vcd"};
  for (const std::string& s : small_rtl_shape(shiftsim::models::ArrayKind::svpe).sets) {
    args.push_back("--set");
    args.push_back(s);
  }
  args.insert(args.end(), extra.begin(), extra.end());
  const CliResult r = run_shiftsim(args, dir);
  INFO(r.err);
  REQUIRE(r.code == 0);
  return parse_vcd_paths(slurp(dir + "/t.vcd"));
}

// The times bit `bit` of a machine signal ("b10") changed.
std::vector<uint64_t> bit_toggles(const PathVcd& v, const std::string& path, int bit) {
  std::vector<uint64_t> t;
  int last = -1;
  for (const auto& [time, value] : v.of(path)) {
    const std::string bits = value.substr(1);
    const int b = int(bits.size()) > bit ? bits[bits.size() - 1 - size_t(bit)] - '0' : 0;
    if (last >= 0 && b != last) t.push_back(time);
    last = b;
  }
  return t;
}

std::vector<uint64_t> rising(const PathVcd& v, const std::string& path) {
  std::vector<uint64_t> t;
  for (const auto& [time, value] : v.of(path))
    if (value == "1") t.push_back(time);
  return t;
}

std::vector<std::string> rtl_paths(const PathVcd& v) {
  std::vector<std::string> p;
  for (const auto& [path, id] : v.ids)
    if (path.rfind(kRtl, 0) == 0) p.push_back(path);
  return p;
}

// The value a signal holds at `time` (its last change at or before it).
std::string value_at(const PathVcd& v, const std::string& path, uint64_t time) {
  std::string value = "?";
  for (const auto& [t, val] : v.of(path))
    if (t <= time) value = val;
  return value;
}

// A window of the trace against the whole run's: every RTL signal has its value at the
// window's start (`start`, the window's only $dumpvars), the value it had then in the whole run,
// and every later change is the whole run's change at that time, up to the window's end.
void check_window_of(const PathVcd& full, const PathVcd& w, uint64_t start) {
  REQUIRE(w.dumpvars_times == std::set<uint64_t>{start});
  const std::vector<std::string> paths = rtl_paths(w);
  REQUIRE(paths.size() > 20);
  for (const std::string& p : paths) {
    INFO(p);
    const auto& ch = w.of(p);
    REQUIRE(!ch.empty());
    CHECK(ch.front().first == start);
    CHECK(ch.front().second == value_at(full, p, start));
    std::vector<std::pair<uint64_t, std::string>> expect;
    for (const auto& c : full.of(p))
      if (c.first > start && c.first <= w.times.back()) expect.push_back(c);
    CHECK(std::vector<std::pair<uint64_t, std::string>>(ch.begin() + 1, ch.end()) == expect);
    for (const auto& c : ch) CHECK((c.first >= start && c.first <= w.times.back()));
  }
}

// The RTL's handshakes toggle with the machine's signals, whose native unit the agreement tests
// hold the RTL to.
void check_handshakes_in_step(const PathVcd& v) {
  for (int h = 0; h < 2; ++h) {
    INFO("half " << h);
    CHECK(v.toggles(kRtl + "out_filled" + std::to_string(h)) == bit_toggles(v, kCu + "out_filled", h));
    CHECK(v.toggles(kRtl + "in_freed" + std::to_string(h)) == bit_toggles(v, kCu + "in_freed", h));
  }
  // The machine's trace draws its clock on to the report's last cycle (VcdTrace::finish), a
  // little past the time the simulation stopped, after which the RTL has nothing to show.
  const std::vector<uint64_t> rtl_clk = rising(v, kRtl + "clk");
  std::vector<uint64_t> clk = rising(v, "accelerator.clk");
  REQUIRE(!rtl_clk.empty());
  clk.erase(std::upper_bound(clk.begin(), clk.end(), v.of(kRtl + "clk").back().first), clk.end());
  CHECK(rtl_clk == clk);
}
}  // namespace

TEST_CASE("rtl vcd: one file holds the machine's scopes and the RTL's, their handshakes in step") {
  const std::string dir = scratch_dir("rtl-vcd-one");
  const PathVcd v = run_traced(dir, {});
  // Nothing beside it: no second VCD, no temporary file left.
  for (const auto& f : fs::directory_iterator(dir)) {
    const std::string name = f.path().filename().string();
    INFO(name);
    CHECK((name == "t.vcd" || name == "net.json" || name == "stdout.txt" || name == "stderr.txt"));
  }
  for (const std::string& p : {std::string("accelerator.clk"), kCu + "out_filled", kCu + "in_freed", kRtl + "clk",
                               kRtl + "out_filled0", kRtl + "out_filled1", kRtl + "in_freed0", kRtl + "busy",
                               kRtl + "stage_valid"}) {
    INFO(p);
    CHECK(v.ids.count(p) == 1);
  }
  // An identifier belongs to the RTL's scopes or to the machine's, never to both.
  for (const auto& [id, scopes] : v.scopes_of) {
    const auto in_rtl = [](const std::string& s) { return s.rfind("accelerator.compute_unit.rtl", 0) == 0; };
    INFO("id " << id);
    CHECK((std::all_of(scopes.begin(), scopes.end(), in_rtl) || std::none_of(scopes.begin(), scopes.end(), in_rtl)));
  }
  REQUIRE(v.toggles(kRtl + "out_filled0").size() >= 2);
  check_handshakes_in_step(v);
  // Times only grow.
  CHECK(std::is_sorted(v.times.begin(), v.times.end()));
  CHECK(std::adjacent_find(v.times.begin(), v.times.end()) == v.times.end());

  // GTKWave's converter reads it, the RTL's scope included.
  if (std::system("command -v vcd2fst > /dev/null 2>&1 && command -v fst2vcd > /dev/null 2>&1") != 0) {
    WARN("vcd2fst/fst2vcd (Debian gtkwave) not installed: the conversion check is skipped");
    return;
  }
  const std::string cmd = "vcd2fst " + quote(dir + "/t.vcd") + " " + quote(dir + "/t.fst") + " > " +
                          quote(dir + "/vcd2fst.log") + " 2>&1 && fst2vcd " + quote(dir + "/t.fst") + " > " +
                          quote(dir + "/back.vcd") + " 2>/dev/null";
  INFO(slurp(dir + "/vcd2fst.log"));
  REQUIRE(std::system(cmd.c_str()) == 0);
  const PathVcd back = parse_vcd_paths(slurp(dir + "/back.vcd"));
  CHECK(back.toggles(kRtl + "out_filled0") == v.toggles(kRtl + "out_filled0"));
  CHECK(back.times.back() == v.times.back());
}

TEST_CASE("rtl vcd: a cycle window holds the RTL's changes inside it and its values at its start") {
  const PathVcd full = run_traced(scratch_dir("rtl-vcd-full"), {});
  // A window around the second output-half toggle, the first and third outside it.
  std::vector<uint64_t> tg = full.toggles(kRtl + "out_filled0");
  for (uint64_t t : full.toggles(kRtl + "out_filled1")) tg.push_back(t);
  std::sort(tg.begin(), tg.end());
  REQUIRE(tg.size() >= 3);
  const uint64_t from = tg[1] / kPeriodPs - 10, to = tg[1] / kPeriodPs + 10;
  REQUIRE(tg[0] < from * kPeriodPs);
  REQUIRE(tg[2] >= to * kPeriodPs);

  const PathVcd w = run_traced(scratch_dir("rtl-vcd-window"),
                               {"--vcd-from", std::to_string(from), "--vcd-to", std::to_string(to)});
  REQUIRE(!w.times.empty());
  CHECK(w.times.front() == from * kPeriodPs);
  CHECK(w.times.back() < to * kPeriodPs);
  // Inside: the toggle, at the machine's time; outside: nothing of the RTL's.
  check_handshakes_in_step(w);
  std::vector<uint64_t> inside = w.toggles(kRtl + "out_filled0");
  for (uint64_t t : w.toggles(kRtl + "out_filled1")) inside.push_back(t);
  CHECK(inside == std::vector<uint64_t>{tg[1]});
  check_window_of(full, w, from * kPeriodPs);
}

TEST_CASE("rtl vcd: a layer filter holds the RTL's changes of that layer only") {
  const PathVcd full = run_traced(scratch_dir("rtl-vcd-layer-full"), {});
  const PathVcd v = run_traced(scratch_dir("rtl-vcd-layer"), {"--vcd-layer", "c2"});
  REQUIRE(!v.times.empty());
  // The window is the layer's: it starts where the whole run's layer register turns to c2
  // (index 1), which it shows throughout.
  const auto& layer = full.of("accelerator.controller.layer");
  const auto c2 = std::find_if(layer.begin(), layer.end(), [](const auto& c) { return c.second == "b1"; });
  REQUIRE(c2 != layer.end());
  CHECK(v.times.front() == c2->first);
  for (const auto& c : v.of("accelerator.controller.layer")) CHECK(c.second == "b1");
  check_window_of(full, v, v.times.front());
  check_handshakes_in_step(v);
}

TEST_CASE("rtl vcd: a window past the run's end gives both scopes and no values") {
  const std::string dir = scratch_dir("rtl-vcd-past");
  const PathVcd v = run_traced(dir, {"--vcd-from", "1000000", "--vcd-to", "2000000"});
  CHECK(v.ids.count(kCu + "out_filled") == 1);
  CHECK(v.ids.count(kRtl + "out_filled0") == 1);
  CHECK(v.times.empty());
  CHECK(v.changes.empty());
}
