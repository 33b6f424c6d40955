// The differential test of the two simulation modes (docs/TESTING.md): `shiftsim difftest` on
// several seed ranges, what its generator covers, that one seed replays one case, that a
// difference is caught and reported with working replay commands, and its option errors.
#include <catch2/catch.hpp>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>

#include "quant/network.h"
#include "sim/arch_config.h"
#include "study/differential_cases.h"
#include "tests/support/cli.h"

using namespace shiftsim;
using namespace shiftsim::test;

namespace {
// A hung cycle-mode run costs its --timeout in CPU; ten seconds is still a hundred times what
// the slowest case of these ranges needs.
CliResult difftest(const std::vector<std::string>& extra, const std::string& dir) {
  std::vector<std::string> args = {"difftest", "--root", repo(""), "--jobs", "2", "--timeout", "10"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_shiftsim(args, dir);
}

void expect_agreement(const std::string& name, const std::string& seed, const std::string& cases) {
  const std::string dir = scratch_dir(name);
  const CliResult r = difftest({"--seed", seed, "--cases", cases, "--quiet", "--keep", dir + "/kept"}, dir);
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find(cases + " agree, 0 differ, 0 failed") != std::string::npos);
}

// The line difftest printed for `seed`, from "seed N:" to its end.
std::string case_line(const std::string& out, uint64_t seed) {
  const std::string key = "seed " + std::to_string(seed) + ": ";
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key, 0) == 0) return line;
  return {};
}
}  // namespace

TEST_CASE("differential: seeds 1..400 agree") { expect_agreement("diff-a", "1", "400"); }

TEST_CASE("differential: seeds 10000..10399 agree") { expect_agreement("diff-b", "10000", "400"); }

TEST_CASE("differential: seeds 777000..777399 agree") { expect_agreement("diff-c", "777000", "400"); }

TEST_CASE("differential: seeds near 2^32 agree") { expect_agreement("diff-d", "4294967200", "400"); }

TEST_CASE("differential generator: every layer kind, both arrays and overflow policies, tiles and steps") {
  const sim::CaseRanges ranges;
  sim::Rejections rejected;
  std::array<int, 8> kinds{};
  std::set<std::string> arrays, overflows, act_bits;
  uint64_t multi_tile = 0, multi_step = 0, row_tiled = 0, column_tiled = 0, max_layers = 0;
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    const sim::DiffCase c = sim::draw_case(seed, ranges, repo("configs/arch"), rejected);
    INFO("seed " << seed << ": " << c.description);
    const sim::ArchConfig cfg = sim::load_arch(c.base_arch, c.sets);  // as `shiftsim run` reads it
    const auto& a = cfg.arch;
    CHECK((a.pe_array.lanes >= 1 && a.pe_array.lanes <= 16));
    CHECK((a.pe_array.vector >= 1 && a.pe_array.vector <= 8));
    CHECK((a.pe_array.kernel >= 1 && a.pe_array.kernel <= 5));
    CHECK((a.pe_array.product_stages >= 1 && a.pe_array.product_stages <= 4));
    CHECK((a.numerics.act_bits == 8 || a.numerics.act_bits == 16));
    CHECK((a.dram.max_burst_bytes >= 64 && a.dram.max_burst_bytes <= 4096));
    CHECK(a.dram.latency_ns <= 300);
    const quant::Network net = quant::parse_network(nlohmann::json::parse(c.net_json), "case");
    CHECK((net.layers.size() >= 1 && net.layers.size() <= 3));
    CHECK(c.work.cycles <= ranges.max_cycles);
    for (quant::LayerType t : c.kinds) ++kinds[size_t(t)];
    max_layers = std::max<uint64_t>(max_layers, net.layers.size());
    arrays.insert(a.pe_array.kind == models::ArrayKind::svpe ? "svpe" : "vpe");
    overflows.insert(a.numerics.overflow == models::OverflowPolicy::saturate ? "saturate" : "wrap");
    act_bits.insert(std::to_string(a.numerics.act_bits));
    multi_tile += c.work.multi_tile_passes;
    multi_step += c.work.multi_step_tiles;
    row_tiled += c.work.row_tiled_passes;
    column_tiled += c.work.column_tiled_passes;
  }
  for (size_t k = 0; k < kinds.size(); ++k) {
    INFO(quant::to_string(quant::LayerType(k)));
    CHECK(kinds[k] >= 10);
  }
  CHECK(max_layers == 3);
  CHECK(arrays.size() == 2);
  CHECK(overflows.size() == 2);
  CHECK(act_bits.size() == 2);
  CHECK(multi_tile >= 50);
  CHECK(multi_step >= 50);
  CHECK(row_tiled >= 10);
  CHECK(column_tiled >= 3);
  // Both refusals happen, and stay rare enough not to narrow what is drawn.
  CHECK(rejected.buffer > 0);
  CHECK(rejected.budget > 0);
  CHECK(rejected.buffer + rejected.budget < 200);
}

TEST_CASE("differential generator: a seed always draws the same case") {
  sim::Rejections r1, r2;
  for (uint64_t seed : {5u, 99u, 123456u}) {
    const sim::DiffCase a = sim::draw_case(seed, {}, repo("configs/arch"), r1);
    const sim::DiffCase b = sim::draw_case(seed, {}, repo("configs/arch"), r2);
    CHECK(a.description == b.description);
    CHECK(a.sets == b.sets);
    CHECK(a.net_json == b.net_json);
  }
}

TEST_CASE("differential: --cases 1 --seed K replays case K of a longer run") {
  const std::string dir = scratch_dir("diff-replay");
  // Whether the modes agree is the other tests' business: a differing case prints its line too.
  const CliResult all = difftest({"--seed", "300", "--cases", "12", "--max-failures", "0"}, dir);
  INFO(all.out << all.err);
  REQUIRE((all.code == 0 || all.code == 1));
  for (uint64_t k : {300u, 307u, 311u}) {
    const CliResult one = difftest({"--seed", std::to_string(k), "--cases", "1"}, dir);
    INFO(one.out << one.err);
    REQUIRE((one.code == 0 || one.code == 1));
    const std::string line = case_line(all.out, k);
    CHECK(!line.empty());
    CHECK(line == case_line(one.out, k));
  }
  CHECK(case_line(all.out, 312).empty());
}

TEST_CASE("differential: a difference is reported with the field, both values and working replay commands") {
  const std::string dir = scratch_dir("diff-inject");
  const std::string kept = dir + "/kept";
  const CliResult r = difftest({"--seed", "40", "--cases", "3", "--inject-difference", "--keep", kept}, dir);
  INFO(r.out << r.err);
  CHECK(r.code == 1);
  CHECK(r.out.find("0 agree, 3 differ, 0 failed") != std::string::npos);
  CHECK(r.out.find("end_cycle: fast ") != std::string::npos);
  CHECK(r.err.find("3 of 3 cases differ or failed (seeds 40, 41, 42)") != std::string::npos);
  // The kept network loads, and the printed fast-mode command runs the case (bit exact: exit 0).
  REQUIRE(std::filesystem::exists(kept + "/case-41.json"));
  CHECK_NOTHROW(quant::load_network(kept + "/case-41.json"));
  const std::string report = slurp(kept + "/case-41.txt");
  std::string fast_run;
  std::istringstream lines(report);
  for (std::string line; std::getline(lines, line);)
    if (line.find(" run --arch ") != std::string::npos && line.find("--mode fast") != std::string::npos)
      fast_run = line;
  REQUIRE(!fast_run.empty());
  const int status = std::system((fast_run + " > " + quote(dir + "/replay.out") + " 2>&1").c_str());
  INFO(slurp(dir + "/replay.out"));
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(std::filesystem::exists(kept + "/case-41.fast.json"));
}

TEST_CASE("differential: --max-failures stops a run whose cases keep failing") {
  const std::string dir = scratch_dir("diff-maxfail");
  const CliResult r = difftest({"--seed", "60", "--cases", "50", "--inject-difference", "--max-failures", "3"}, dir);
  INFO(r.out << r.err);
  CHECK(r.code == 1);
  // The two cases already running when the third failed still finish.
  CHECK((r.out.find("difftest: 3 cases") != std::string::npos || r.out.find("difftest: 4 cases") != std::string::npos));
  CHECK(r.out.find("stopped after 3 cases differed or failed (--max-failures)") != std::string::npos);
}

TEST_CASE("differential: bad options exit 2 with a message") {
  const std::string dir = scratch_dir("diff-badopts");
  write_text(dir + "/a-file", "x");
  const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
      {{"--cases", "0"}, "--cases must be at least 1"},
      {{"--cases", "-3"}, "non-negative integer"},
      {{"--seed", "x"}, "non-negative integer"},
      {{"--seed", "18446744073709551615", "--cases", "2"}, "would pass 2^64 - 1"},
      {{"--jobs", "0"}, "--jobs"},
      {{"--timeout", "0"}, "--timeout must be above 0"},
      {{"--timeout", "soon"}, "--timeout"},
      {{"--max-cycles", "0"}, "--max-cycles must be at least 1"},
      {{"--max-failures", "-1"}, "non-negative integer"},
      {{"--max-cycles", "1", "--cases", "1"}, "no case within --max-cycles 1"},
      {{"--keep", dir + "/a-file"}, "cannot create this directory"},
      {{"--root", dir}, "no configs/arch/svpe_zcu102.json"},
      {{"--bogus"}, "--bogus"},
  };
  for (const auto& [args, message] : bad) {
    std::vector<std::string> full = {"difftest"};
    if (args[0] != "--root") full = {"difftest", "--root", repo("")};
    full.insert(full.end(), args.begin(), args.end());
    const CliResult r = run_shiftsim(full, dir);
    INFO(args[0] << ": " << r.err);
    CHECK(r.code == 2);
    CHECK(r.err.rfind("shiftsim: error: ", 0) == 0);
    CHECK(r.err.find(message) != std::string::npos);
  }
}
