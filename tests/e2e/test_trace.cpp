// VCD traces: GTKWave's own converter reads them, the cycle counter ends at the reported cycle
// count, and the window and layer options limit what is written. Also: same inputs, same seed,
// same report and output bytes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>

#include "tests/support/cli.h"
#include "tests/support/vcd.h"

using namespace shiftsim::test;

namespace {
const std::string kArch = repo("configs/arch/svpe_zcu102.json");
const std::string kNet = repo("configs/nets/tiny.json");
constexpr uint64_t kPeriodPs = 5000;  // 200 MHz
}  // namespace

TEST_CASE("cycle-mode VCD opens in GTKWave's reader and its cycle counter ends at the report's cycles") {
  const std::string dir = scratch_dir("vcd-full");
  const CliResult r = run_shiftsim({"run", "--arch", kArch, "--net", kNet, "--mode", "cycle",
                                    "--vcd", dir + "/t.vcd", "--report", dir + "/r.json"}, dir);
  INFO(r.err);
  REQUIRE(r.code == 0);
  const uint64_t total = read_json(dir + "/r.json")["cycles"]["total"];
  const Vcd v = parse_vcd(slurp(dir + "/t.vcd"));
  for (const char* s : {"clk", "cycle", "layer", "tile", "pe_busy", "pe_stall", "dma_rd_busy",
                        "dma_wr_busy", "in_buf_fill", "w_buf_fill", "out_buf_fill", "in_buf_compute_owns",
                        "w_buf_compute_owns", "out_buf_store_owns"})
    CHECK(v.ids.count(s) == 1);
  const auto& cycles = v.changes.at(v.ids.at("cycle"));
  CHECK(cycles.back().second == total);
  CHECK(v.times.back() == total * kPeriodPs);
  // the clock toggles every half period: 2 changes per cycle
  CHECK(v.changes.at(v.ids.at("clk")).size() >= 2 * total);
  // the PE array was busy and waited, both DMA channels worked, and the layer counter reached
  // the last layer
  for (const char* s : {"pe_busy", "pe_stall", "dma_rd_busy", "dma_wr_busy"}) {
    INFO(s);
    const auto& ch = v.changes.at(v.ids.at(s));
    CHECK(std::any_of(ch.begin(), ch.end(), [](const auto& c) { return c.second == 1; }));
  }
  CHECK(v.changes.at(v.ids.at("layer")).back().second == 4);
  // each buffer module shows its fill and hands both halves to its consumer and back
  for (const char* s : {"in_buf_fill", "w_buf_fill", "out_buf_fill"}) {
    INFO(s);
    const auto& ch = v.changes.at(v.ids.at(s));
    CHECK(std::any_of(ch.begin(), ch.end(), [](const auto& c) { return c.second > 0; }));
  }
  for (const char* s : {"in_buf_compute_owns", "w_buf_compute_owns", "out_buf_store_owns"}) {
    INFO(s);
    const auto& ch = v.changes.at(v.ids.at(s));
    for (uint64_t half_bit : {1u, 2u})
      CHECK(std::any_of(ch.begin(), ch.end(), [&](const auto& c) { return (c.second & half_bit) != 0; }));
    CHECK(ch.back().second == 0);  // at the end every half is back with its producer
  }
  const std::string cmd = "vcd2fst " + quote(dir + "/t.vcd") + " " + quote(dir + "/t.fst") +
                          " > /dev/null 2>&1 && fst2vcd " + quote(dir + "/t.fst") + " > " +
                          quote(dir + "/back.vcd") + " 2>/dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  const Vcd back = parse_vcd(slurp(dir + "/back.vcd"));
  CHECK(back.times.back() == total * kPeriodPs);
}

TEST_CASE("fast-mode VCD and a cycle window") {
  const std::string dir = scratch_dir("vcd-window");
  const CliResult r = run_shiftsim({"run", "--arch", kArch, "--net", kNet, "--vcd", dir + "/t.vcd",
                                    "--vcd-from", "1000", "--vcd-to", "3000"}, dir);
  INFO(r.err);
  REQUIRE(r.code == 0);
  const Vcd v = parse_vcd(slurp(dir + "/t.vcd"));
  REQUIRE(!v.times.empty());
  CHECK(v.ids.count("clk") == 0);  // fast mode has no clock
  CHECK(v.times.front() >= 1000 * kPeriodPs);
  CHECK(v.times.back() < 3000 * kPeriodPs);
}

TEST_CASE("a VCD limited to one layer by name and an unknown layer refused") {
  const std::string dir = scratch_dir("vcd-layer");
  const CliResult r = run_shiftsim({"run", "--arch", kArch, "--net", kNet, "--mode", "cycle",
                                    "--vcd", dir + "/t.vcd", "--vcd-layer", "a1", "--report",
                                    dir + "/r.json", "--set", "dram.model=fixed"}, dir);
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rep = read_json(dir + "/r.json");
  // after the host's four register writes of 4 cycles each, the first two layers, and layer 2's
  // descriptor fetch from the fixed-latency DRAM (the fetch engine takes it a cycle after it is handed over; 150 ns
  // latency = 30 cycles, 160 bytes = 10 beats) and decode (1 cycle)
  uint64_t start = 4 * 4 + 1 + 30 + 10 + 1;
  for (int i = 0; i < 2; ++i) start += rep["layers"][i]["cycles"].get<uint64_t>();
  const uint64_t end = start + rep["layers"][2]["cycles"].get<uint64_t>();
  const Vcd v = parse_vcd(slurp(dir + "/t.vcd"));
  REQUIRE(!v.times.empty());
  CHECK(v.times.front() == start * kPeriodPs);
  CHECK(v.times.back() <= end * kPeriodPs);
  for (const auto& [t, layer] : v.changes.at(v.ids.at("layer"))) CHECK(layer == 2);
  const CliResult bad = run_shiftsim({"run", "--arch", kArch, "--net", kNet, "--vcd",
                                      dir + "/u.vcd", "--vcd-layer", "nope"}, dir);
  CHECK(bad.code == 2);
  CHECK(bad.err.find("--vcd-layer nope") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir + "/u.vcd"));
}

TEST_CASE("same inputs and seed give the same report and output bytes") {
  const std::string dir = scratch_dir("determinism");
  std::vector<nlohmann::json> reps;
  for (int i = 0; i < 2; ++i) {
    const std::string tag = std::to_string(i);
    const CliResult r = run_shiftsim({"run", "--arch", kArch, "--net", kNet, "--seed", "99",
                                      "--report", dir + "/r" + tag + ".json", "--csv",
                                      dir + "/l" + tag + ".csv", "--dump-outputs", dir + "/o" + tag},
                                     dir);
    REQUIRE(r.code == 0);
    auto j = read_json(dir + "/r" + tag + ".json");
    j.erase("wall_seconds");
    for (auto& l : j["layers"]) l.erase("wall_seconds");
    reps.push_back(j);
  }
  CHECK(reps[0] == reps[1]);
  CHECK(slurp(dir + "/l0.csv") == slurp(dir + "/l1.csv"));
  for (const char* layer : {"c1", "c2", "a1", "p1", "fc"})
    CHECK(slurp(dir + "/o0/" + layer + ".npy") == slurp(dir + "/o1/" + layer + ".npy"));
  // a different seed changes the outputs
  const CliResult r = run_shiftsim({"run", "--arch", kArch, "--net", kNet, "--seed", "100",
                                    "--dump-outputs", dir + "/o2"}, dir);
  REQUIRE(r.code == 0);
  CHECK(slurp(dir + "/o0/fc.npy") != slurp(dir + "/o2/fc.npy"));
}
