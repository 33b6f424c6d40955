// The DRAM models behind the TLM target: the DDR4 timing (banks, rows, refresh, one data bus
// for reads and writes) against the fixed latency, in both modes, in the report and in the
// trace.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/support/cli.h"
#include "tests/support/vcd.h"

using namespace shiftsim::test;

namespace {
const std::string kArch = repo("configs/arch/svpe_zcu102.json");  // dram.model ddr4
const std::string kNet = repo("configs/nets/tiny.json");

nlohmann::json run_report(const std::string& dir, const std::string& tag,
                          std::vector<std::string> extra) {
  std::vector<std::string> args = {"run", "--arch", kArch, "--net", kNet, "--report",
                                   dir + "/" + tag + ".json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const CliResult r = run_shiftsim(args, dir);
  INFO(tag << ": " << r.err);
  REQUIRE(r.code == 0);
  return read_json(dir + "/" + tag + ".json");
}

std::vector<uint64_t> layer_cycles(const nlohmann::json& rep) {
  std::vector<uint64_t> c;
  for (const auto& l : rep["layers"]) c.push_back(l["cycles"].get<uint64_t>());
  return c;
}
}  // namespace

TEST_CASE("DDR4 behind the DRAM target: both modes agree and the report counts rows and refreshes") {
  const std::string dir = scratch_dir("dram-ddr4");
  const nlohmann::json fast = run_report(dir, "fast", {"--mode", "fast"});
  const nlohmann::json cycle = run_report(dir, "cycle", {"--mode", "cycle"});
  CHECK(layer_cycles(fast) == layer_cycles(cycle));
  CHECK(fast["cycles"] == cycle["cycles"]);
  CHECK(fast["dram"] == cycle["dram"]);
  const auto& d = cycle["dram"];
  CHECK(d["model"] == "ddr4");
  // The tiny network's regions share rows: most 64-byte accesses hit an open row, and every
  // bank opened at least once was a miss or a conflict first.
  const uint64_t hits = d["row_hits"], misses = d["row_misses"], conflicts = d["row_conflicts"];
  CHECK(hits > misses + conflicts);
  CHECK(misses > 0);
  CHECK(hits + misses + conflicts >= (d["read_bytes"].get<uint64_t>() + d["write_bytes"].get<uint64_t>()) / 64);
  CHECK(cycle["bit_exact"] == true);
  // The same machine on the fixed-latency model times differently and counts no rows.
  const nlohmann::json fixed = run_report(dir, "fixed", {"--mode", "fast", "--set", "dram.model=fixed"});
  CHECK(fixed["dram"]["model"] == "fixed");
  CHECK_FALSE(fixed["dram"].contains("row_hits"));
  CHECK(fixed["cycles"]["total"] != cycle["cycles"]["total"]);
  CHECK(fixed["dram"]["read_bytes"] == d["read_bytes"]);
}

TEST_CASE("a slow DRAM stalls the array and the trace shows the load's bursts in flight and the DDR4's commands") {
  const std::string dir = scratch_dir("dram-slow");
  const nlohmann::json quick = run_report(dir, "quick", {"--mode", "fast", "--set", "dram.controller_latency_ns=0"});
  const nlohmann::json slow = run_report(
      dir, "slow", {"--mode", "cycle", "--set", "dram.controller_latency_ns=2000", "--vcd", dir + "/slow.vcd"});
  const nlohmann::json slow_fast = run_report(dir, "slow_fast", {"--mode", "fast", "--set", "dram.controller_latency_ns=2000"});
  // Tracing (which places refreshes as they fall due) changes no cycle.
  CHECK(layer_cycles(slow) == layer_cycles(slow_fast));
  uint64_t quick_stall = 0, slow_stall = 0;
  for (const auto& l : quick["layers"]) quick_stall += l["memory_stall_cycles"].get<uint64_t>();
  for (const auto& l : slow["layers"]) slow_stall += l["memory_stall_cycles"].get<uint64_t>();
  CHECK(slow_stall > quick_stall);
  CHECK(slow["cycles"]["total"].get<uint64_t>() > quick["cycles"]["total"].get<uint64_t>());

  const Vcd v = parse_vcd(slurp(dir + "/slow.vcd"));
  // Some cycle in which the array stalls while the load unit's bursts are in flight.
  const auto& stall = v.of("pe_stall");
  const auto& rd = v.of("dma_rd_outstanding");
  REQUIRE(!stall.empty());
  REQUIRE(!rd.empty());
  auto value_at = [](const std::vector<std::pair<uint64_t, uint64_t>>& ch, uint64_t t) {
    uint64_t v = 0;
    for (const auto& [at, val] : ch) {
      if (at > t) break;
      v = val;
    }
    return v;
  };
  bool waits_on_dram = false;
  for (const auto& [t, s] : stall)
    if (s == 1 && value_at(rd, t) > 0) waits_on_dram = true;
  CHECK(waits_on_dram);
  // The DDR4's commands: activates, reads and writes, and a bank showing its open row.
  auto issued = [&](const std::string& name) {
    uint64_t n = 0;
    for (const auto& [t, c] : v.of(name)) n += c;
    return n;
  };
  CHECK(issued("act") > 0);
  CHECK(issued("rd") > 0);
  CHECK(issued("wr") > 0);
  bool open_row = false;
  for (int b = 0; b < 8; ++b)
    for (const auto& [t, row] : v.of("bank" + std::to_string(b) + "_row"))
      if (row != kVcdX) open_row = true;
  CHECK(open_row);
  CHECK(v.ids.count("bank8_row") == 0);  // the ZCU102's x16 DDR4 has 8 banks
}
