// The recurrent unit's vector units (models/recurrent/vector_unit_resources.h) against Yosys:
// tests/resources/elementwise_lane.v and activation_pair.v (two activation_lane.v lanes and
// their ROM) synthesized at a small shape each (`synth_xilinx -family xcup`, the Debian
// package), the model's LUT and FF counts within 10% of Yosys's, its DSP48E2 and BRAM36 counts
// exact. The larger shapes, slower to synthesize, are in docs/RESOURCES.md "Recurrent vector
// units"; the Yosys runs themselves are tests/models/yosys_runner.cpp's.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "models/recurrent/vector_unit_resources.h"
#include "tests/models/yosys_runner.h"

using namespace shiftsim::models;
using namespace shiftsim::test;
namespace fs = std::filesystem;

TEST_CASE("the vector units' resource counts within 10% of Yosys on their lanes' Verilog", "[resources][yosys]") {
  INFO("the Debian package yosys (0.23) runs this test");
  REQUIRE(yosys_available());
  ArchSpec ew;
  ew.pe_array.lanes = 1;
  ew.numerics.acc_bits = 16;
  // A pair of 12-bit activation lanes: two lanes, one ROM copy of 2 RAMB36s.
  Resources act = activation_lane_for_values(12).resources() * 2.0;
  act.bram36 = activation_rom_bram36_per_pair();
  const std::vector<Point> pts = {
      {"elementwise_lane", {{"A", 16}}, elementwise_lane(ew).resources(), "held out"},
      {"activation_pair", {{"V", 12}}, act, "held out"},
  };
  // One Yosys process per point, side by side (each reads the cell libraries once).
  const fs::path dir = temp_dir();
  std::vector<std::map<size_t, CellCounts>> cells(pts.size());
  std::vector<std::string> errors(pts.size());
  std::vector<int> ok(pts.size(), 0);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < pts.size(); ++i)
    threads.emplace_back([&, i] { ok[i] = run_yosys({i}, pts, dir, int(i), cells[i], errors[i]); });
  for (std::thread& t : threads) t.join();
  for (size_t i = 0; i < pts.size(); ++i) {
    INFO(pts[i].label() << ": " << errors[i]);
    REQUIRE(ok[i]);
    REQUIRE(cells[i].count(i) == 1);
    const Counted y = count(cells[i].at(i));
    const Resources& m = pts[i].model;
    INFO("LUT model " << m.lut << " Yosys " << y.lut << "; FF " << m.ff << " / " << y.ff << "; DSP " << m.dsp
                      << " / " << y.dsp << "; BRAM36 " << m.bram36 << " / " << y.bram36);
    CHECK(y.unknown.empty());
    CHECK(std::abs(m.lut - y.lut) <= 0.1 * y.lut);
    CHECK(std::abs(m.ff - y.ff) <= 0.1 * y.ff);
    CHECK(m.dsp == y.dsp);
    CHECK(m.bram36 == y.bram36);
  }
  fs::remove_all(dir);
}
