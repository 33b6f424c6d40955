// Every layer kind on both arrays in both modes: the simulator's outputs equal the golden
// executor's bit for bit (the run exits non-zero otherwise and the report says so), and fast
// and cycle mode agree on every layer's cycles and every output byte.
#include <catch2/catch.hpp>

#include "tests/support/cli.h"

using namespace shiftsim::test;

namespace {
struct Case {
  const char* name;
  const char* net;  // network JSON
  std::vector<std::string> sets;
};

// Runs one case on one arch in both modes and checks everything; returns the fast report.
nlohmann::json check_case(const Case& c, const std::string& arch) {
  const std::string dir = scratch_dir(std::string(c.name) + "-" + arch);
  write_text(dir + "/net.json", c.net);
  std::vector<nlohmann::json> reports;
  for (const char* mode : {"fast", "cycle"}) {
    std::vector<std::string> args = {"run", "--arch", repo("configs/arch/" + arch + ".json"),
                                     "--net", dir + "/net.json", "--mode", mode, "--seed", "7",
                                     "--report", dir + "/" + mode + ".json", "--dump-outputs",
                                     dir + "/" + mode};
    for (const auto& s : c.sets) {
      args.push_back("--set");
      args.push_back(s);
    }
    const CliResult r = run_shiftsim(args, dir);
    INFO(c.name << " on " << arch << " (" << mode << "): " << r.err << r.out);
    REQUIRE(r.code == 0);
    reports.push_back(read_json(dir + "/" + mode + ".json"));
    REQUIRE(reports.back()["bit_exact"] == true);
  }
  const auto& fast = reports[0];
  const auto& cycle = reports[1];
  CHECK(fast["cycles"]["total"] == cycle["cycles"]["total"]);
  REQUIRE(fast["layers"].size() == cycle["layers"].size());
  for (size_t i = 0; i < fast["layers"].size(); ++i) {
    INFO("layer " << fast["layers"][i]["name"]);
    for (const char* k : {"cycles", "compute_cycles", "memory_stall_cycles", "dram_read_bytes",
                          "dram_write_bytes", "saturations"})
      CHECK(fast["layers"][i][k] == cycle["layers"][i][k]);
    CHECK(fast["layers"][i]["bit_exact"] == true);
    const std::string name = fast["layers"][i]["name"];
    CHECK(slurp(dir + "/fast/" + name + ".npy") == slurp(dir + "/cycle/" + name + ".npy"));
  }
  return fast;
}

void check_both(const Case& c) {
  check_case(c, "svpe_zcu102");
  check_case(c, "vpe16_zcu102");
}

std::string conv_net(int c, int hw, int m, int k, int s, int p, int g, bool relu) {
  return R"({"name": "t", "input": {"shape": [)" + std::to_string(c) + "," + std::to_string(hw) +
         "," + std::to_string(hw) + R"(]}, "layers": [{"name": "conv", "type": "conv", "out_channels": )" +
         std::to_string(m) + R"(, "kernel": )" + std::to_string(k) + R"(, "stride": )" +
         std::to_string(s) + R"(, "pad": )" + std::to_string(p) + R"(, "groups": )" +
         std::to_string(g) + R"(, "relu": )" + (relu ? "true" : "false") + "}]}";
}
}  // namespace

TEST_CASE("conv 3x3 - channels not multiples of Tn or Tm - padding") {
  const std::string net = conv_net(11, 13, 37, 3, 1, 1, 1, true);
  check_both({"c3", net.c_str(), {}});
}

TEST_CASE("conv 1x1 and stride 2 - odd sizes") {
  const std::string net = conv_net(9, 15, 20, 1, 2, 0, 1, false);
  check_both({"c1s2", net.c_str(), {}});
}

TEST_CASE("conv 5x5 stride 2 pad 2") {
  const std::string net = conv_net(5, 17, 12, 5, 2, 2, 1, true);
  check_both({"c5s2", net.c_str(), {}});
}

TEST_CASE("conv 11x11 stride 4 (AlexNet conv1 shape - reduced)") {
  const std::string net = conv_net(3, 39, 10, 11, 4, 0, 1, true);
  check_both({"c11s4", net.c_str(), {}});
}

TEST_CASE("grouped conv (groups 2 and depthwise)") {
  const std::string g2 = conv_net(12, 9, 18, 3, 1, 1, 2, true);
  check_both({"g2", g2.c_str(), {}});
  const std::string dw = conv_net(10, 9, 10, 3, 1, 1, 10, false);
  check_both({"dw", dw.c_str(), {}});
}

TEST_CASE("tiles that do not divide the image (small buffers)") {
  const std::string net = conv_net(6, 23, 40, 3, 1, 1, 1, true);
  check_both({"tiles", net.c_str(), {"buffers.output_kib=2", "buffers.input_kib=1"}});
}

TEST_CASE("column tiles when a whole row does not fit") {
  const std::string net = conv_net(4, 40, 8, 3, 1, 1, 1, false);
  check_both({"coltiles", net.c_str(), {"buffers.output_kib=1", "buffers.input_kib=1"}});
}

TEST_CASE("pooling: max and average - padding - odd sizes") {
  const char* net = R"({"name": "pools", "input": {"shape": [37, 15, 15]}, "layers": [
    {"name": "mp", "type": "maxpool", "kernel": 3, "stride": 2, "pad": 1},
    {"name": "ap", "type": "avgpool", "kernel": 3, "stride": 1, "pad": 1},
    {"name": "ap2", "type": "avgpool", "kernel": 2, "stride": 2},
    {"name": "gp", "type": "avgpool", "global": true}]})";
  check_both({"pools", net, {}});
}

TEST_CASE("residual add - relu - concat - flatten - fc") {
  const char* net = R"({"name": "mix", "input": {"shape": [6, 10, 10]}, "layers": [
    {"name": "c1", "type": "conv", "out_channels": 12, "kernel": 3, "pad": 1, "relu": true},
    {"name": "c2", "type": "conv", "out_channels": 12, "kernel": 3, "pad": 1},
    {"name": "a1", "type": "add", "inputs": ["c2", "c1"], "relu": true},
    {"name": "r1", "type": "relu", "inputs": ["c2"]},
    {"name": "cat", "type": "concat", "inputs": ["a1", "r1", "c1"]},
    {"name": "p1", "type": "maxpool", "kernel": 2, "stride": 2},
    {"name": "fl", "type": "flatten"},
    {"name": "fc1", "type": "fc", "out_features": 19, "relu": true},
    {"name": "fc2", "type": "fc", "out_features": 10}]})";
  check_both({"mix", net, {}});
}

TEST_CASE("k = 1 array (plain MAC vectors) and a 5x5 array") {
  const std::string net = conv_net(7, 11, 9, 3, 1, 1, 1, true);
  check_both({"k1", net.c_str(), {"pe_array.kernel=1", "pe_array.vector=4", "pe_array.lanes=6"}});
  check_both({"k5", net.c_str(), {"pe_array.kernel=5", "pe_array.vector=3", "pe_array.lanes=5"}});
}

TEST_CASE("accumulator saturation and wrap are counted and bit-exact") {
  const std::string net = conv_net(16, 8, 8, 3, 1, 1, 1, false);
  const auto sat = check_case({"sat", net.c_str(), {"numerics.acc_bits=32"}}, "vpe16_zcu102");
  CHECK(sat["saturations"].get<uint64_t>() > 0);
  // The exact sum of 16 x 3 x 3 products of 16 x 16 bits needs 32 + 8 bits: the output
  // entries carry 8 guard bits above the 32-bit accumulator (the PPU saturates to 32).
  CHECK(sat["arch"]["acc_guard_bits"] == 8);
  const auto wide = check_case({"wide", net.c_str(), {}}, "vpe16_zcu102");
  CHECK(wide["saturations"].get<uint64_t>() == 0);
  CHECK(wide["arch"]["acc_guard_bits"] == 0);
  check_case({"wrap", net.c_str(), {"numerics.acc_bits=32", "numerics.overflow=wrap"}}, "vpe16_zcu102");
}

TEST_CASE("8-bit activations - 5-bit power-of-two weights") {
  const std::string net = conv_net(8, 9, 16, 3, 1, 1, 1, true);
  check_case({"a8", net.c_str(), {"numerics.act_bits=8", "numerics.weight_bits=5", "numerics.acc_bits=32"}},
             "svpe_zcu102");
  check_case({"a8v", net.c_str(), {"numerics.act_bits=8", "numerics.weight_bits=8", "numerics.acc_bits=24"}},
             "vpe16_zcu102");
}

TEST_CASE("the zoo's LeNet-5 and the tiny network") {
  check_both({"lenet5", slurp(repo("configs/nets/lenet5.json")).c_str(), {}});
  check_both({"tiny", slurp(repo("configs/nets/tiny.json")).c_str(), {}});
}
