// Resources in the run report (issue 4): every component against the device, percentages that
// add up to the total's, and a machine that does not fit refused at start unless
// --allow-over-budget, which the report then marks. Each case runs shiftsim in its own process.
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/support/cli.h"

using namespace shiftsim::test;
using Catch::Matchers::Contains;

namespace {

const char* kComponents[] = {"pe_array", "window",  "sequencer", "input_buffer", "weight_buffer",
                             "output_buffer", "ppu", "pool_eltwise", "dma", "controller",
                             "interconnect"};

// The shipped SVPE machine with pe_array.vector raised until its LUTs exceed the ZCU102's.
std::string oversized_arch(const std::string& dir) {
  nlohmann::json j = read_json(repo("configs/arch/svpe_zcu102.json"));
  j["device"] = repo("configs/devices/zcu102.json");
  j["dram"]["memory"] = repo("configs/memory/ddr4_2400_zcu102.json");
  j["pe_array"]["vector"] = 32;  // 4x the shipped array: about 360k LUTs
  const std::string path = dir + "/big.json";
  write_text(path, j.dump(2));
  return path;
}

}  // namespace

TEST_CASE("the report lists every component's resources and the percentages add up") {
  const std::string dir = scratch_dir("res-report");
  const CliResult r = run_shiftsim({"run", "--arch", repo("configs/arch/vpe16_zcu102.json"), "--net",
                                    repo("configs/nets/tiny.json"), "--report", dir + "/r.json"},
                                   dir);
  REQUIRE(r.code == 0);
  const nlohmann::json res = read_json(dir + "/r.json")["resources"];
  CHECK(res["device"]["name"] == "ZCU102");
  CHECK(res["device"]["resources"]["dsp"] == 2520);
  CHECK_FALSE(res["device"]["resources"].contains("uram"));  // the XCZU9EG has none
  CHECK(res["fits_device"] == true);
  CHECK(res["allowed_over_budget"] == false);
  REQUIRE(res["components"].size() == std::size(kComponents));
  for (size_t i = 0; i < std::size(kComponents); ++i) CHECK(res["components"][i]["name"] == kComponents[i]);
  for (const char* k : {"lut", "ff", "dsp", "bram36"}) {
    double sum = 0, pct = 0;
    for (const auto& c : res["components"]) {
      sum += c[k].get<double>();
      pct += c["percent_of_device"][k].get<double>();
    }
    INFO(k);
    CHECK(sum == Approx(res["total"][k].get<double>()));
    CHECK(pct == Approx(res["total"]["percent_of_device"][k].get<double>()));
    CHECK(res["total"]["percent_of_device"][k].get<double>() ==
          Approx(100.0 * res["total"][k].get<double>() / res["device"]["resources"][k].get<double>()));
  }
  // VPE (16, 4, 3): 576 product DSPs + 16 in the pooling unit (docs/RESOURCES.md).
  CHECK(res["total"]["dsp"] == 592);
  CHECK_THAT(r.out, Contains("resources on ZCU102"));
  CHECK_THAT(r.out, Contains("pe_array"));
}

TEST_CASE("the n-BQ-NN DSP count is an arch key") {
  const std::string dir = scratch_dir("res-nbqnn");
  const CliResult r = run_shiftsim({"run", "--arch", repo("configs/arch/svpe_zcu102.json"), "--net",
                                    repo("configs/nets/tiny.json"), "--set",
                                    "resources.dsp_counting=nbqnn_paper", "--report", dir + "/r.json"},
                                   dir);
  REQUIRE(r.code == 0);
  const nlohmann::json res = read_json(dir + "/r.json")["resources"];
  CHECK(res["dsp_counting"] == "nbqnn_paper");
  CHECK(res["components"][0]["dsp"] == 768);  // k Pn Pm = 3 x 8 x 32 (Eq. 44)
  const CliResult bad = run_shiftsim({"run", "--arch", repo("configs/arch/svpe_zcu102.json"), "--net",
                                      repo("configs/nets/tiny.json"), "--set",
                                      "resources.dsp_counting=vivado"},
                                     dir);
  CHECK(bad.code == 2);
  CHECK_THAT(bad.err, Contains("resources.dsp_counting"));
  CHECK_THAT(bad.err, Contains("vivado"));
}

TEST_CASE("a machine that does not fit its device is refused at start and writes nothing") {
  const std::string dir = scratch_dir("res-over");
  const CliResult r = run_shiftsim({"run", "--arch", oversized_arch(dir), "--net", repo("configs/nets/tiny.json"),
                                    "--report", dir + "/r.json", "--csv", dir + "/r.csv"},
                                   dir);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("does not fit ZCU102"));
  CHECK_THAT(r.err, Contains("big.json"));
  CHECK_THAT(r.err, Contains("LUT "));
  CHECK_THAT(r.err, Contains("needed, 274080 available"));
  CHECK_THAT(r.err, Contains("--allow-over-budget"));
  CHECK(r.out.empty());
  CHECK_FALSE(std::filesystem::exists(dir + "/r.json"));
  CHECK_FALSE(std::filesystem::exists(dir + "/r.csv"));
  CHECK_FALSE(std::filesystem::exists(dir + "/r.json.tmp"));
}

TEST_CASE("allow over budget runs the machine and marks the report") {
  const std::string dir = scratch_dir("res-allow");
  const CliResult r = run_shiftsim({"run", "--arch", oversized_arch(dir), "--net", repo("configs/nets/tiny.json"),
                                    "--allow-over-budget", "--report", dir + "/r.json"},
                                   dir);
  REQUIRE(r.code == 0);
  const nlohmann::json res = read_json(dir + "/r.json")["resources"];
  CHECK(res["fits_device"] == false);
  CHECK(res["allowed_over_budget"] == true);
  REQUIRE(res["over_budget"].size() >= 1);
  CHECK_THAT(res["over_budget"][0].get<std::string>(), Contains("LUT"));
  CHECK(res["total"]["percent_of_device"]["lut"].get<double>() > 100.0);
  CHECK_THAT(r.out, Contains("OVER BUDGET (run allowed by --allow-over-budget)"));
}
