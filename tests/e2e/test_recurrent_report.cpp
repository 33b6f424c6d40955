// The report of a sequence run (docs/ARCHITECTURE.md §11): its resources include the recurrent
// unit's activation and element-wise units and its register file, counted against the device; its energy prices their
// work, the same in both simulation modes; a CNN run's machine has no such units. Each run is
// a shiftsim process of its own.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

#include "models/machine_resources.h"
#include "models/recurrent/register_file.h"
#include "sim/arch_config.h"
#include "tests/support/cli.h"

using namespace shiftsim::test;

namespace {

const char* kGru = R"({"name": "gru_report", "input": {"shape": [5, 12, 1]}, "layers": [
  {"name": "g", "type": "gru", "hidden_size": 21, "output": "sequence"},
  {"name": "cls", "type": "fc", "out_features": 7, "per_step": true}]})";

const nlohmann::json* component(const nlohmann::json& res, const std::string& name) {
  for (const auto& c : res["components"])
    if (c["name"] == name) return &c;
  return nullptr;
}

nlohmann::json report_of(const std::string& dir, const std::string& arch, const std::string& net,
                          const std::string& mode, std::string* out = nullptr) {
  const std::string report = dir + "/" + mode + ".json";
  const CliResult r = run_shiftsim({"run", "--arch", arch, "--net", net, "--mode", mode, "--report", report, "--csv",
                                    dir + "/" + mode + ".csv"},
                                   dir);
  INFO(r.err);
  REQUIRE(r.code == 0);
  if (out) *out = r.out;
  return read_json(report);
}

}  // namespace

TEST_CASE("a sequence run's report includes the activation and element-wise units, equal in both modes") {
  const std::string dir = scratch_dir("recurrent-report");
  const std::string net = dir + "/gru.json";
  write_text(net, kGru);
  const std::string arch = repo("configs/arch/svpe_zcu102.json");
  std::string table;
  const nlohmann::json fast = report_of(dir, arch, net, "fast", &table);
  const nlohmann::json cyc = report_of(dir, arch, net, "cycle");

  // Resources: both units, with their DSPs and the activation ROM's block RAM, in the total.
  const nlohmann::json& res = fast["resources"];
  const nlohmann::json* act = component(res, "activation");
  const nlohmann::json* ew = component(res, "elementwise");
  REQUIRE(act);
  REQUIRE(ew);
  CHECK((*act)["dsp"] == 64);     // 32 lanes x 2 (a 31 x 17 product)
  CHECK((*act)["bram36"] == 32);  // one 1024-entry ROM per pair of lanes, 2 RAMB36 each
  CHECK((*ew)["dsp"] == 64);      // 32 lanes x 2 products
  CHECK((*act)["lut"].get<double>() > 0);
  CHECK((*ew)["lut"].get<double>() > (*act)["lut"].get<double>());
  for (const char* k : {"lut", "ff", "dsp", "bram36"}) {
    double sum = 0;
    for (const auto& c : res["components"]) sum += c[k].get<double>();
    INFO(k);
    CHECK(sum == Approx(res["total"][k].get<double>()));
  }
  CHECK(res["total"]["dsp"] == 32 + 64 + 64);  // the pooling unit's 32 beside them (docs/RESOURCES.md)
  // The register file, built for recurrent.max_rows (5000 by default): block RAM and LUTRAM, no DSP.
  const nlohmann::json* rf = component(res, "regfile");
  REQUIRE(rf);
  CHECK((*rf)["bram36"].get<double>() > 0);
  CHECK((*rf)["lut"].get<double>() > 0);
  CHECK((*rf)["dsp"] == 0);
  CHECK(res == cyc["resources"]);

  // Energy: the units' dynamic energy is in the run's and the layers', the same in both modes.
  for (const char* unit : {"activation", "elementwise", "regfile"}) {
    INFO(unit);
    const double f = fast["energy"]["dynamic_by_component_j"][unit].get<double>();
    const double c = cyc["energy"]["dynamic_by_component_j"][unit].get<double>();
    CHECK(f > 0);
    CHECK(c == Approx(f).epsilon(1e-12));
    for (const auto& [key, v] : fast["energy"]["actions"][unit].items())
      CHECK(cyc["energy"]["actions"][unit][key].get<double>() == Approx(v.get<double>()).epsilon(1e-12));
  }
  // The fc layer has no sigmoid or tanh: its activation-unit energy is zero, its element-wise one not.
  const nlohmann::json& cls = fast["layers"][1];
  CHECK(cls["name"] == "cls");
  CHECK(cls["energy"]["dynamic_by_component_j"]["activation"] == 0.0);
  CHECK(cls["energy"]["dynamic_by_component_j"]["elementwise"].get<double>() > 0);
  CHECK(slurp(dir + "/fast.csv").find("activation_j,elementwise_j") != std::string::npos);
  CHECK(table.find("activation") != std::string::npos);
}

TEST_CASE("a CNN run's machine carries no recurrent vector units") {
  const std::string dir = scratch_dir("recurrent-report-cnn");
  const nlohmann::json r = report_of(dir, repo("configs/arch/svpe_zcu102.json"), repo("configs/nets/tiny.json"), "fast");
  CHECK(component(r["resources"], "activation") == nullptr);
  CHECK(component(r["resources"], "elementwise") == nullptr);
  CHECK(r["energy"]["dynamic_by_component_j"]["activation"] == 0.0);
  CHECK(r["energy"]["dynamic_by_component_j"]["elementwise"] == 0.0);
  CHECK(component(r["resources"], "regfile") == nullptr);
  CHECK(r["energy"]["dynamic_by_component_j"]["regfile"] == 0.0);
}

// The units count against the device: an SVPE (16, 5, 3) on the Ultra96 holds a CNN (about
// 42,500 of its 70,560 LUTs) but not with the units' 16 x 3,496 LUTs, so a sequence run is
// refused before anything is simulated, naming the resource; --allow-over-budget runs it and
// the report says so. (The register file adds 88 BRAM36 and no LUT at 16 lanes: every memory
// is deeper than LUTRAM's 64 words.)
TEST_CASE("a machine that holds a CNN but not the recurrent vector units is refused for a sequence run") {
  const std::string dir = scratch_dir("recurrent-report-device");
  nlohmann::json j = read_json(repo("configs/arch/svpe_zcu102.json"));
  j["device"] = repo("configs/devices/ultra96.json");
  j["dram"]["memory"] = repo("configs/memory/ddr4_2400_zcu102.json");
  j["pe_array"]["lanes"] = 16;
  j["pe_array"]["vector"] = 5;
  j["buffers"] = {{"input_kib", 16}, {"weight_kib", 16}, {"output_kib", 32}};
  const std::string arch = dir + "/u96.json";
  write_text(arch, j.dump(2));
  const std::string net = dir + "/gru.json";
  write_text(net, kGru);
  // The machine's total as the resource model counts it with the units (the run must quote
  // this figure, not one of its own).
  shiftsim::sim::ArchConfig cfg = shiftsim::sim::load_arch(arch);
  cfg.resources.recurrent_units = true;
  const long lut = std::lround(shiftsim::models::total(shiftsim::models::estimate_resources(cfg.arch, cfg.resources)).lut);
  REQUIRE(lut > 70560);
  const CliResult cnn = run_shiftsim({"run", "--arch", arch, "--net", repo("configs/nets/tiny.json")}, dir);
  INFO(cnn.err);
  CHECK(cnn.code == 0);
  const CliResult seq = run_shiftsim({"run", "--arch", arch, "--net", net, "--report", dir + "/r.json"}, dir);
  INFO(seq.err);
  CHECK(seq.code == 2);
  CHECK(seq.err.find("arch " + arch + " does not fit Ultra96") != std::string::npos);
  CHECK(seq.err.find("LUT " + std::to_string(lut) + " needed, 70560 available") != std::string::npos);
  CHECK(seq.out.empty());
  CHECK_FALSE(std::filesystem::exists(dir + "/r.json"));
  const CliResult allowed = run_shiftsim(
      {"run", "--arch", arch, "--net", net, "--allow-over-budget", "--report", dir + "/r.json"}, dir);
  INFO(allowed.err);
  REQUIRE(allowed.code == 0);
  const nlohmann::json res = read_json(dir + "/r.json")["resources"];
  CHECK(res["fits_device"] == false);
  CHECK(res["allowed_over_budget"] == true);
  CHECK(res["total"]["lut"] == lut);
  const nlohmann::json* rf = component(res, "regfile");
  REQUIRE(rf);
  // The file as the model sizes it for this machine: at 16 lanes every memory is deeper than
  // LUTRAM takes, so it is all block RAM.
  const shiftsim::models::RegisterFile file = shiftsim::models::register_file(cfg.arch);
  CHECK((*rf)["bram36"] == file.total.bram36);
  CHECK((*rf)["lut"] == 0);
  CHECK(file.total.bram36 > 0);
}

