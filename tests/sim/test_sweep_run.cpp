// shiftsim sweep with child runs: every point gets a row with its parameters, objectives,
// status and reason; refused points cost no run; a failing point is recorded and the sweep
// goes on; the CSV export holds every row; a changed sweep file is refused, never mixed.
#include <catch2/catch.hpp>

#include <string>

#include "tests/sim/sweep_test_support.h"

using namespace shiftsim::test;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

// A network whose fc weights (1024 x 1024 x 16 bits, 2 MiB) do not fit a 1 MiB DRAM: `run`
// refuses it when it maps the program, after the sweep's own checks passed.
const char* kWideFc = R"({"name": "wide_fc", "input": {"shape": [1024, 1, 1]}, "layers": [
  {"name": "fc", "type": "fc", "out_features": 1024}]})";

}  // namespace

TEST_CASE("sweep: each point in a child run, refused and failed points recorded with their reason") {
  const std::string dir = scratch_dir("sweep-run");
  write_text(dir + "/wide_fc.json", kWideFc);
  json doc = tiny_sweep({{"dram.size_mib", {1, 64}}, {"pe_array.lanes", {0, 8}}});
  doc["base"] = repo("configs/arch/vpe16_zcu102.json");
  doc["networks"] = {dir + "/wide_fc.json"};
  write_text(dir + "/s.json", doc.dump());
  const CliResult r = run_shiftsim({"sweep", dir + "/s.json", "-j", "2", "--out", dir + "/out", "--csv", dir + "/all.csv"}, dir);
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Contains("4 points (2 refused before simulating, 0 already in"));
  const std::string db = dir + "/out/results.db";
  CHECK(db_column(db, "SELECT status FROM points ORDER BY point_index") ==
        std::vector<std::string>{"refused", "failed", "refused", "done"});
  CHECK_THAT(db_column(db, "SELECT reason FROM points WHERE point_index = 0")[0],
             Contains("invalid arch: --set pe_array.lanes=0") && Contains("must be >= 1"));
  const std::string failed = db_column(db, "SELECT reason FROM points WHERE point_index = 1")[0];
  CHECK_THAT(failed, Contains("shiftsim run exited with 2") && Contains("DRAM"));
  CHECK(std::filesystem::exists(dir + "/out/logs/point1.log"));
  // The done row has every objective, its parameters in their own columns, the engine and version.
  CHECK(db_column(db, "SELECT \"dram.size_mib\" || ' ' || \"pe_array.lanes\" || ' ' || engine FROM points WHERE status = 'done'") ==
        std::vector<std::string>{"64 8 fast"});
  CHECK(std::stoll(db_column(db, "SELECT cycles FROM points WHERE status = 'done'")[0]) > 0);
  CHECK(std::stod(db_column(db, "SELECT energy_mj FROM points WHERE status = 'done'")[0]) > 0);
  CHECK_THAT(db_column(db, "SELECT shiftsim_version FROM points WHERE status = 'done'")[0], Contains("shiftsim "));
  // No child left a report or log behind in the work directory.
  CHECK(std::filesystem::is_empty(dir + "/out/work"));

  // The CSV: a header and one line per point.
  const std::string csv = slurp(dir + "/all.csv");
  CHECK_THAT(csv, Contains("point_index,hash,network,params,status,reason"));
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 5);

  // Run again: nothing left to do; the failed point stays failed unless asked.
  const CliResult again = run_shiftsim({"sweep", dir + "/s.json", "--out", dir + "/out"}, dir);
  CHECK(again.code == 0);
  CHECK_THAT(again.out, Contains("2 already in") && Contains("0 to evaluate"));
}

TEST_CASE("sweep: a changed sweep file is refused against the old database, never mixed") {
  const std::string dir = scratch_dir("sweep-changed");
  json arch = read_json(repo("configs/arch/svpe_zcu102.json"));
  arch["device"] = repo("configs/devices/zcu102.json");
  arch["dram"]["memory"] = repo("configs/memory/ddr4_2400_zcu102.json");
  write_text(dir + "/base.json", arch.dump());
  json doc = tiny_sweep({{"pe_array.lanes", {8, 16}}});
  doc["base"] = dir + "/base.json";
  write_text(dir + "/s.json", doc.dump());
  REQUIRE(run_shiftsim({"sweep", dir + "/s.json", "--out", dir + "/out"}, dir).code == 0);

  // More values: the old points keep their meaning, only the new one runs.
  doc["parameters"]["pe_array.lanes"] = {8, 16, 32};
  write_text(dir + "/s.json", doc.dump());
  const CliResult more = run_shiftsim({"sweep", dir + "/s.json", "--out", dir + "/out"}, dir);
  INFO(more.out << more.err);
  CHECK(more.code == 0);
  CHECK_THAT(more.out, Contains("2 already in") && Contains("1 to evaluate"));

  // The base machine changes under the same file name: every point means something else.
  arch["clock_mhz"] = 150;
  write_text(dir + "/base.json", arch.dump());
  const CliResult changed = run_shiftsim({"sweep", dir + "/s.json", "--out", dir + "/out"}, dir);
  CHECK(changed.code == 2);
  CHECK_THAT(changed.err, Contains("results.db: holds 3 finished points that") && Contains("no longer defines"));

  // The other engine on the same database is refused too.
  const CliResult model = run_shiftsim({"sweep", dir + "/s.json", "--out", dir + "/out", "--engine", "model"}, dir);
  CHECK(model.code == 2);
  CHECK_THAT(model.err, Contains("holds results of engine fast"));
}

TEST_CASE("sweep: malformed sweep files are refused with exit code 2 and the JSON path") {
  const std::string dir = scratch_dir("sweep-bad");
  json doc = tiny_sweep({{"pe_array.lanes", {{"from", 8}, {"to", 32}, {"step", 0}}}});
  write_text(dir + "/s.json", doc.dump());
  const CliResult r = run_shiftsim({"sweep", dir + "/s.json", "--out", dir + "/out"}, dir);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains(dir + "/s.json: parameters.pe_array.lanes.step: must not be 0"));
  write_text(dir + "/t.json", "{\"schema\": \"shiftsim.sweep\",");
  const CliResult t = run_shiftsim({"sweep", dir + "/t.json"}, dir);
  CHECK(t.code == 2);
  CHECK_THAT(t.err, Contains("t.json: malformed JSON"));
}
