// Bad energy tables (configs/energy/*.json) are refused before any work, naming the file and
// the JSON path: a missing entry, a negative value, a value of the wrong type, no source.
#include <catch2/catch.hpp>

#include <filesystem>

#include "common/input_error.h"
#include "sim/energy_spec.h"
#include "tests/support/cli.h"

using namespace shiftsim::test;
using Catch::Matchers::Contains;

namespace {

nlohmann::json shipped() { return read_json(repo("configs/energy/zcu102.json")); }

std::string parse_error(const nlohmann::json& doc) {
  try {
    shiftsim::sim::parse_energy_spec(doc, "e.json");
  } catch (const shiftsim::InputError& e) {
    return e.what();
  }
  FAIL("no error");
  return {};
}

}  // namespace

TEST_CASE("the shipped energy tables load with a source for every constant") {
  for (const char* dev : {"zcu102", "zc706", "ultra96", "kv260"}) {
    const auto s = shiftsim::sim::load_energy_spec(repo(std::string("configs/energy/") + dev + ".json"));
    CHECK(s.entries.size() == 9);
    for (const auto& e : s.entries) CHECK(e.source.size() > 20);
    CHECK(s.table.static_w > 0);
  }
}

TEST_CASE("energy table errors name the JSON path") {
  nlohmann::json j = shipped();
  j["dynamic"].erase("dram_pj_per_byte");
  CHECK_THAT(parse_error(j), Contains("e.json: dynamic.dram_pj_per_byte") && Contains("missing"));
  j = shipped();
  j["dynamic"]["ff_pj_per_bit"]["value"] = -0.5;
  CHECK_THAT(parse_error(j), Contains("dynamic.ff_pj_per_bit.value") && Contains(">= 0") && Contains("-0.5"));
  j = shipped();
  j["static"]["power_w"]["value"] = "0.49";
  CHECK_THAT(parse_error(j), Contains("static.power_w.value") && Contains("must be a number"));
  j = shipped();
  j["dynamic"]["lut_logic_pj"] = 0.06;
  CHECK_THAT(parse_error(j), Contains("dynamic.lut_logic_pj") && Contains("object"));
  j = shipped();
  j["dynamic"]["lut_logic_pj"]["source"] = " ";
  CHECK_THAT(parse_error(j), Contains("dynamic.lut_logic_pj.source"));
  j = shipped();
  j["dynamic"]["uram_read_pj_per_bit"] = {{"value", 1}, {"source", "x"}};
  CHECK_THAT(parse_error(j), Contains("dynamic.uram_read_pj_per_bit") && Contains("unknown"));
}

TEST_CASE("a run with a bad energy table fails at start and writes nothing") {
  const std::string dir = scratch_dir("energy-bad-run");
  nlohmann::json e = shipped();
  e["dynamic"]["bram_read_pj_per_bit"]["value"] = -1;
  write_text(dir + "/bad_energy.json", e.dump(2));
  nlohmann::json a = read_json(repo("configs/arch/svpe_zcu102.json"));
  a["device"] = repo("configs/devices/zcu102.json");
  a["dram"]["memory"] = repo("configs/memory/ddr4_2400_zcu102.json");
  a["energy"] = "bad_energy.json";  // relative to the arch file
  write_text(dir + "/arch.json", a.dump(2));
  const CliResult r = run_shiftsim({"run", "--arch", dir + "/arch.json", "--net", repo("configs/nets/tiny.json"),
                                    "--report", dir + "/r.json"},
                                   dir);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("bad_energy.json: dynamic.bram_read_pj_per_bit.value: must be >= 0"));
  CHECK(r.out.empty());
  CHECK_FALSE(std::filesystem::exists(dir + "/r.json"));
  const CliResult missing = run_shiftsim({"run", "--arch", repo("configs/arch/svpe_zcu102.json"), "--net",
                                          repo("configs/nets/tiny.json"), "--set", "energy=nope.json"},
                                         dir);
  CHECK(missing.code == 2);
  CHECK_THAT(missing.err, Contains("nope.json"));
}

TEST_CASE("an energy table of another device is refused at start") {
  const std::string dir = scratch_dir("energy-other-device");
  const CliResult r = run_shiftsim({"run", "--arch", repo("configs/arch/svpe_zcu102.json"), "--net",
                                    repo("configs/nets/tiny.json"), "--set",
                                    "energy=" + repo("configs/energy/ultra96.json"), "--report",
                                    dir + "/r.json"},
                                   dir);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("ultra96.json: device: the table describes Ultra96") && Contains("ZCU102"));
  CHECK_FALSE(std::filesystem::exists(dir + "/r.json"));
}
