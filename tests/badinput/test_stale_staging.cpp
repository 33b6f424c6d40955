// A process killed by a signal (no destructor runs) leaves its staging folder DIR.tmp/ or file
// FILE.tmp behind. The next run replaces them: it succeeds, and none of the junk reaches DIR/.
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/support/cli.h"

using namespace shiftsim::test;
namespace fs = std::filesystem;

TEST_CASE("a stale staging folder and file left by a killed run are replaced by the next run") {
  const std::string dir = scratch_dir("stale-staging");
  fs::create_directories(dir + "/out.tmp/nested/deeper");
  write_text(dir + "/out.tmp/stale.npy", "junk");
  write_text(dir + "/out.tmp/nested/deeper/junk.txt", "junk");
  write_text(dir + "/r.json.tmp", "{ half a report");
  const CliResult r = run_shiftsim({"run", "--arch", repo("configs/arch/svpe_zcu102.json"), "--net",
                                    repo("configs/nets/tiny.json"), "--dump-outputs", dir + "/out", "--report",
                                    dir + "/r.json"},
                                   dir);
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(fs::exists(dir + "/out/c1.npy"));
  CHECK_FALSE(fs::exists(dir + "/out/stale.npy"));
  CHECK_FALSE(fs::exists(dir + "/out/nested"));
  CHECK_FALSE(fs::exists(dir + "/out.tmp"));
  CHECK_FALSE(fs::exists(dir + "/r.json.tmp"));
  CHECK(read_json(dir + "/r.json")["schema"] == "shiftsim.run-report");
}

TEST_CASE("a stale staging folder of a killed reproduce is replaced by the next one") {
  const std::string dir = scratch_dir("stale-reproduce");
  fs::create_directories(dir + "/rep.tmp/runs/old");
  write_text(dir + "/rep.tmp/runs/exp1_vpe.json", "not a report");
  write_text(dir + "/rep.tmp/exp1_layers.png", "not a png");
  const CliResult r = run_shiftsim({"reproduce", "--quick", "--no-check", "--no-fit", "--out", dir + "/rep",
                                    "--figures", repo("configs/reproduce/nbqnn_tnnls2021.json"),
                                    "--experiment2", repo("configs/reproduce/largest_zcu102.json")},
                                   dir);
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK_FALSE(fs::exists(dir + "/rep.tmp"));
  CHECK_FALSE(fs::exists(dir + "/rep/runs/old"));
  CHECK(read_json(dir + "/rep/runs/exp1_vpe.json").contains("layers"));
}
