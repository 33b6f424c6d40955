// Energy in the run report (issue 4, docs/ENERGY.md): energy grows with work, a unit with no
// work counts nothing, static energy is static power x time exactly, and the shift array
// spends less than the multiplier array on the same layer. Each run is its own process.
#include <catch2/catch.hpp>

#include <string>

#include "tests/support/cli.h"

using namespace shiftsim::test;

namespace {

// One convolution of C input and M output channels on an H x H input.
std::string conv_net(const std::string& dir, const std::string& name, int c, int m, int h) {
  const std::string path = dir + "/" + name + ".json";
  write_text(path, R"({"name": ")" + name + R"(", "input": {"shape": [)" + std::to_string(c) + ", " +
                       std::to_string(h) + ", " + std::to_string(h) + R"(]}, "layers": [
    {"name": "c1", "type": "conv", "out_channels": )" + std::to_string(m) +
                       R"(, "kernel": 3, "stride": 1, "pad": 1, "relu": true}]})");
  return path;
}

double component(const nlohmann::json& energy, const char* name) {
  return energy["dynamic_by_component_j"][name].get<double>();
}

}  // namespace

TEST_CASE("dynamic energy grows with the work of a layer") {
  const std::string dir = scratch_dir("energy-grows");
  const auto small = run_report(repo("configs/arch/svpe_zcu102.json"), conv_net(dir, "small", 8, 16, 16), dir, "small");
  const auto big = run_report(repo("configs/arch/svpe_zcu102.json"), conv_net(dir, "big", 16, 32, 32), dir, "big");
  const auto& es = small["energy"];
  const auto& eb = big["energy"];
  CHECK(eb["dynamic_j"].get<double>() > es["dynamic_j"].get<double>());
  for (const char* c : {"pe_array", "window", "sequencer", "input_buffer", "weight_buffer", "output_buffer", "ppu",
                        "dram"}) {
    INFO(c);
    CHECK(component(es, c) > 0);
    CHECK(component(eb, c) > component(es, c));
  }
  // 16x the MACs: the array's energy scales with them (same tile shapes, all lanes active).
  CHECK(component(eb, "pe_array") / component(es, "pe_array") == Approx(16.0).epsilon(0.05));
  CHECK(eb["gops_per_w"].get<double>() > 0);
  CHECK(eb["average_power_w"].get<double>() > eb["static_power_w"].get<double>());
}

TEST_CASE("a unit with no work has zero dynamic energy") {
  const std::string dir = scratch_dir("energy-idle");
  const auto conv_only = run_report(repo("configs/arch/svpe_zcu102.json"), conv_net(dir, "conv", 8, 16, 16), dir, "conv");
  CHECK(component(conv_only["energy"], "pool_eltwise") == 0.0);
  CHECK(conv_only["energy"]["actions"]["pool_eltwise"]["lut_add_bits"] == 0.0);
  // tiny: c1, c2, a1 (add), p1 (maxpool), fc. The PE array is idle in a1 and p1, the
  // pooling / element-wise unit in c1, c2 and fc.
  const auto tiny = run_report(repo("configs/arch/svpe_zcu102.json"), repo("configs/nets/tiny.json"), dir, "tiny");
  for (const auto& l : tiny["layers"]) {
    INFO(l["name"]);
    const auto& e = l["energy"];
    if (l["type"] == "conv" || l["type"] == "fc") {
      CHECK(component(e, "pe_array") > 0);
      CHECK(component(e, "pool_eltwise") == 0.0);
    } else {
      CHECK(component(e, "pe_array") == 0.0);
      CHECK(component(e, "window") == 0.0);
      CHECK(component(e, "sequencer") == 0.0);
      CHECK(component(e, "weight_buffer") == 0.0);
      CHECK(component(e, "pool_eltwise") > 0);
    }
  }
}

TEST_CASE("static energy is static power times time exactly") {
  const std::string dir = scratch_dir("energy-static");
  const auto rep = run_report(repo("configs/arch/vpe16_zcu102.json"), repo("configs/nets/tiny.json"), dir, "tiny");
  const auto& e = rep["energy"];
  const double w = e["static_power_w"].get<double>();
  CHECK(w == read_json(repo("configs/energy/zcu102.json"))["static"]["power_w"]["value"].get<double>());
  const double clock_hz = rep["arch"]["clock_mhz"].get<double>() * 1e6;
  CHECK(e["static_j"].get<double>() ==
        Approx(w * rep["cycles"]["total"].get<double>() / clock_hz).epsilon(1e-12));
  CHECK(e["static_j"].get<double>() == Approx(w * rep["seconds"].get<double>()).epsilon(1e-12));
  for (const auto& l : rep["layers"]) {
    INFO(l["name"]);
    CHECK(l["energy"]["static_j"].get<double>() ==
          Approx(w * l["cycles"].get<double>() / clock_hz).epsilon(1e-12));
  }
  CHECK(e["total_j"].get<double>() ==
        Approx(e["dynamic_j"].get<double>() + e["static_j"].get<double>()).epsilon(1e-12));
  CHECK(e["average_power_w"].get<double>() ==
        Approx(e["total_j"].get<double>() / rep["seconds"].get<double>()).epsilon(1e-9));
}

TEST_CASE("the SVPE array spends less dynamic energy than the VPE array on the same layer") {
  const std::string dir = scratch_dir("energy-svpe-vpe");
  const std::string net = conv_net(dir, "layer", 16, 32, 16);
  const auto s = run_report(repo("configs/arch/svpe_zcu102.json"), net, dir, "svpe");
  const auto v = run_report(repo("configs/arch/vpe16_zcu102.json"), net, dir, "vpe");
  REQUIRE(s["macs"] == v["macs"]);
  const double es = component(s["layers"][0]["energy"], "pe_array");
  const double ev = component(v["layers"][0]["energy"], "pe_array");
  CHECK(es > 0);
  CHECK(es < ev);
  CHECK(s["energy"]["actions"]["pe_array"]["dsp_operand_bits"] == 0.0);
  CHECK(v["energy"]["actions"]["pe_array"]["dsp_operand_bits"].get<double>() ==
        Approx(32.0 * s["macs"].get<double>()));  // 16 + 16 bits per product, K = k
}

TEST_CASE("the CSV carries energy columns per layer") {
  const std::string dir = scratch_dir("energy-csv");
  const CliResult r = run_shiftsim({"run", "--arch", repo("configs/arch/svpe_zcu102.json"), "--net",
                                    repo("configs/nets/tiny.json"), "--csv", dir + "/r.csv"},
                                   dir);
  REQUIRE(r.code == 0);
  const std::string csv = slurp(dir + "/r.csv");
  const std::string header = csv.substr(0, csv.find('\n'));
  for (const char* col : {",energy_j,", ",dynamic_j,", ",static_j,", ",pe_array_j,", ",window_j,", ",sequencer_j,", ",dram_j,",
                          ",power_w,", ",gops,", ",gops_per_w"})
    CHECK(header.find(col) != std::string::npos);
  CHECK(r.out.find("GOP/s/W") != std::string::npos);
}

TEST_CASE("under the n-BQ-NN DSP count the convolvers' adders are priced as DSP operations") {
  // Same run, two countings: the products are unchanged; the convolver's k^2 -> 1 reduction
  // moves from the lane's LUT adder tree into k DSPs per convolver, whose operands are the
  // k^2 products and the k - 1 cascaded partial sums (docs/ENERGY.md).
  const std::string dir = scratch_dir("energy-dsp-counting");
  const std::string net = conv_net(dir, "layer", 16, 32, 16);
  auto with_counting = [&](const std::string& counting) {
    const std::string rep = dir + "/" + counting + ".report.json";
    const CliResult r = run_shiftsim({"run", "--arch", repo("configs/arch/svpe_zcu102.json"), "--net", net,
                                      "--set", "resources.dsp_counting=" + counting, "--report", rep},
                                     dir);
    INFO(r.err << r.out);
    REQUIRE(r.code == 0);
    return read_json(rep);
  };
  const auto syn = with_counting("synthesis");
  const auto paper = with_counting("nbqnn_paper");
  REQUIRE(syn["cycles"]["total"] == paper["cycles"]["total"]);
  const auto& as = syn["energy"]["actions"]["pe_array"];
  const auto& ap = paper["energy"]["actions"]["pe_array"];
  CHECK(as["dsp_operand_bits"] == 0.0);  // shifts, and a LUT tree
  // The layer fills the array (16 input channels = 2 x Tn, 32 outputs = Tm, k = K = 3): every
  // MAC's product enters a DSP (19 bits: a 16-bit activation shifted by up to 2, and the
  // sign) and every k^2 = 9 products send k - 1 = 2 partial sums of 19 + 4 bits down the cascade.
  const double macs = syn["macs"].get<double>();
  CHECK(ap["dsp_operand_bits"].get<double>() == Approx(macs * (19.0 + 2.0 * 23.0 / 9.0)));
  CHECK(ap["lut_logic"] == as["lut_logic"]);  // the shifters do not move
  CHECK(ap["lut_add_bits"].get<double>() < as["lut_add_bits"].get<double>());
  CHECK(paper["energy"]["dynamic_j"].get<double>() > syn["energy"]["dynamic_j"].get<double>());
}

namespace {
// Every number of `a` equals the one at the same place in `b` to 1e-12 relative: the two
// modes add the same counts in a different order.
void check_same_numbers(const nlohmann::json& a, const nlohmann::json& b, const std::string& path) {
  INFO(path);
  REQUIRE(a.type() == b.type());
  if (a.is_object()) {
    REQUIRE(a.size() == b.size());
    for (auto it = a.begin(); it != a.end(); ++it) check_same_numbers(it.value(), b.at(it.key()), path + "." + it.key());
  } else if (a.is_array()) {
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) check_same_numbers(a[i], b[i], path + "[" + std::to_string(i) + "]");
  } else if (a.is_number()) {
    CHECK(a.get<double>() == Approx(b.get<double>()).epsilon(1e-12));
  } else {
    CHECK(a == b);
  }
}
}  // namespace

TEST_CASE("each mode counts the passes' actions in its own run, and they agree") {
  // In cycle mode each unit counts its own actions as its events happen (issues, preloads,
  // fills, tiles out); fast mode counts them from the plan it ran. The report only prices them.
  const std::string dir = scratch_dir("energy-modes");
  auto report = [&](const std::string& mode, const std::string& net) {
    const std::string rep = dir + "/" + mode + ".report.json";
    const CliResult r = run_shiftsim({"run", "--arch", repo("configs/arch/vpe16_zcu102.json"), "--net",
                                      repo(net), "--mode", mode, "--report", rep},
                                     dir);
    INFO(r.err << r.out);
    REQUIRE(r.code == 0);
    return read_json(rep);
  };
  for (const char* net : {"configs/nets/tiny.json", "configs/nets/lenet5.json", "configs/nets/resnet_fmnist.json"}) {
    INFO(net);
    const auto fast = report("fast", net);
    const auto cycle = report("cycle", net);
    check_same_numbers(fast["energy"]["actions"], cycle["energy"]["actions"], "energy.actions");
    CHECK(fast["energy"]["actions"]["pe_array"]["dsp_operand_bits"].get<double>() > 0);
    CHECK(fast["layers"].size() == cycle["layers"].size());
    for (size_t i = 0; i < fast["layers"].size(); ++i)
      check_same_numbers(fast["layers"][i]["energy"], cycle["layers"][i]["energy"],
                         "layers[" + std::to_string(i) + "].energy");
  }
}

TEST_CASE("a PPU that answers in the same cycle (ppu.latency_cycles 0) is costed and priced") {
  // The arch config allows 0; the resource model and the run's activity count must too.
  const std::string dir = scratch_dir("energy-ppu0");
  const std::string rep = dir + "/ppu0.report.json";
  const CliResult r = run_shiftsim({"run", "--arch", repo("configs/arch/svpe_zcu102.json"), "--net",
                                    repo("configs/nets/tiny.json"), "--set", "ppu.latency_cycles=0",
                                    "--report", rep},
                                   dir);
  INFO(r.err << r.out);
  REQUIRE(r.code == 0);
  const auto j = read_json(rep);
  CHECK(component(j["energy"], "ppu") > 0);
}
