// shiftsim sweep --engine model: the timing model in-process gives the same cycles (and the
// same energy, GOP/s and resources) as child `shiftsim run --mode fast` runs, on a sample of
// points over two networks and both array kinds; its rows say "model".
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "tests/sim/sweep_test_support.h"

using namespace shiftsim::test;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

// hash -> "cycles energy_mj gops lut dsp" of every done row.
std::map<std::string, std::vector<double>> figures(const std::string& db) {
  std::map<std::string, std::vector<double>> out;
  const auto hashes = db_column(db, "SELECT hash FROM points WHERE status = 'done' ORDER BY point_index");
  for (const char* col : {"cycles", "energy_mj", "gops", "gops_per_w", "lut", "dsp"}) {
    const auto v = db_column(db, std::string("SELECT ") + col + " FROM points WHERE status = 'done' ORDER BY point_index");
    REQUIRE(v.size() == hashes.size());
    for (size_t i = 0; i < v.size(); ++i) out[hashes[i]].push_back(std::stod(v[i]));
  }
  return out;
}

}  // namespace

TEST_CASE("sweep --engine model: cycles equal fast mode's on a sample of points") {
  const std::string dir = scratch_dir("sweep-model");
  json doc = tiny_sweep({{"pe_array.kind", {"svpe", "vpe"}}, {"numerics.weight_bits", {3}},
                         {"pe_array.lanes", {8, 32}}, {"buffers.weight_kib", {16, 64}},
                         // exact on the fixed-latency DRAM; an estimate on the DDR4 (docs/SWEEPS.md)
                         {"dram.model", {"fixed"}}});
  doc["networks"] = {repo("configs/nets/tiny.json"), repo("configs/nets/lenet5.json")};
  write_text(dir + "/s.json", doc.dump());
  const CliResult fast = run_shiftsim({"sweep", dir + "/s.json", "-j", "2", "--out", dir + "/fast"}, dir);
  INFO(fast.out << fast.err);
  REQUIRE(fast.code == 0);
  const CliResult model = run_shiftsim({"sweep", dir + "/s.json", "--engine", "model", "--out", dir + "/model"}, dir);
  INFO(model.out << model.err);
  REQUIRE(model.code == 0);
  CHECK_THAT(model.out, Contains("to evaluate by the timing model"));

  const auto f = figures(dir + "/fast/results.db"), m = figures(dir + "/model/results.db");
  REQUIRE(f.size() == 16);
  REQUIRE(m.size() == f.size());
  for (const auto& [hash, values] : f) {
    INFO("point " << hash);
    REQUIRE(m.count(hash));
    CHECK(m.at(hash)[0] == values[0]);  // cycles: exactly
    for (size_t k = 1; k < values.size(); ++k) CHECK(m.at(hash)[k] == Approx(values[k]).epsilon(1e-9));
  }
  CHECK(db_column(dir + "/model/results.db", "SELECT DISTINCT engine FROM points") == std::vector<std::string>{"model"});
  CHECK(db_column(dir + "/fast/results.db", "SELECT DISTINCT engine FROM points") == std::vector<std::string>{"fast"});
}
