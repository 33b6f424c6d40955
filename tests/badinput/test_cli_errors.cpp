// Bad input through the real CLI: a non-zero exit, a message that names the problem (file, JSON
// path, value), no crash, and no report or output left behind.
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/support/cli.h"

using namespace shiftsim::test;

namespace {
const char* kGoodNet = R"({"name": "n", "input": {"shape": [3, 8, 8]}, "layers": [
  {"name": "c1", "type": "conv", "out_channels": 4, "kernel": 3, "pad": 1}]})";

// Runs `run` with the given net text (or path) and extra args; checks the failure contract.
void expect_failure(const std::string& name, const std::string& net_text,
                    const std::vector<std::string>& extra, const std::vector<std::string>& fragments,
                    const std::string& arch = repo("configs/arch/svpe_zcu102.json")) {
  const std::string dir = scratch_dir(name);
  const std::string net = dir + "/net.json";
  if (!net_text.empty()) write_text(net, net_text);
  std::vector<std::string> args = {"run", "--arch", arch, "--net", net, "--report",
                                   dir + "/report.json", "--csv", dir + "/layers.csv",
                                   "--dump-outputs", dir + "/out", "--vcd", dir + "/t.vcd"};
  args.insert(args.end(), extra.begin(), extra.end());
  const CliResult r = run_shiftsim(args, dir);
  INFO("stderr: " << r.err);
  CHECK(r.code == 2);
  CHECK(r.err.rfind("shiftsim: error: ", 0) == 0);
  for (const auto& f : fragments) CHECK(r.err.find(f) != std::string::npos);
  CHECK(r.err.find("internal error") == std::string::npos);
  for (const char* left : {"/report.json", "/layers.csv", "/out", "/t.vcd", "/report.json.tmp", "/t.vcd.tmp"})
    CHECK_FALSE(std::filesystem::exists(dir + left));
}

std::string arch_copy(const std::string& name, const std::string& text) {
  const std::string dir = scratch_dir(name + "-arch");
  std::filesystem::copy_file(repo("configs/devices/zcu102.json"), dir + "/zcu102.json");
  write_text(dir + "/arch.json", text);
  return dir + "/arch.json";
}
}  // namespace

TEST_CASE("malformed network JSON") {
  expect_failure("malformed", R"({"name": "n", "input": {"shape": [3, 8, 8]}, "layers": [)",
                 {}, {"net.json", "malformed JSON"});
}

TEST_CASE("missing network file") {
  expect_failure("missing", "", {}, {"net.json", "cannot open"});
}

TEST_CASE("unknown key in a layer") {
  expect_failure("unknown-key", R"({"name": "n", "input": {"shape": [3, 8, 8]}, "layers": [
    {"name": "c1", "type": "conv", "out_channels": 4, "kernel": 3, "kernal": 3}]})", {}, {"layers[0]", "kernal", "unknown key"});
}

TEST_CASE("unknown layer type") {
  expect_failure("unknown-type", R"({"name": "n", "input": {"shape": [3, 8, 8]}, "layers": [
    {"name": "c1", "type": "rnn"}]})", {}, {"layers[0].type", "rnn"});
}

TEST_CASE("a vocabulary beyond int16 token ids is refused by the recurrent unit's mapper") {
  // sequence networks run on the recurrent unit (tests/e2e/test_recurrent_sim.cpp); ids travel as int16
  expect_failure("embedding", R"({"name": "n", "input": {"shape": [5, 1, 1]}, "layers": [
    {"name": "e", "type": "embedding", "vocab_size": 40000, "dim": 2}, {"name": "l1", "type": "lstm", "hidden_size": 4}]})",
                 {}, {"layer e (embedding)", "vocab_size 40000", "int16"});
}

TEST_CASE("zero and negative sizes") {
  expect_failure("zero-ch", R"({"name": "n", "input": {"shape": [3, 8, 8]}, "layers": [
    {"name": "c1", "type": "conv", "out_channels": 0, "kernel": 3}]})", {}, {"layers[0].out_channels", ">= 1"});
  expect_failure("neg-input", R"({"name": "n", "input": {"shape": [3, -8, 8]}, "layers": [
    {"name": "c1", "type": "conv", "out_channels": 2, "kernel": 3}]})", {}, {"input.shape"});
}

TEST_CASE("kernel larger than the padded input") {
  expect_failure("big-kernel", R"({"name": "n", "input": {"shape": [3, 5, 5]}, "layers": [
    {"name": "c1", "type": "conv", "out_channels": 2, "kernel": 11, "pad": 1}]})", {}, {"layers[0]", "kernel 11"});
}

TEST_CASE("inputs naming a layer that does not exist") {
  expect_failure("bad-inputs", R"({"name": "n", "input": {"shape": [3, 8, 8]}, "layers": [
    {"name": "c1", "type": "conv", "out_channels": 4, "kernel": 3, "pad": 1},
    {"name": "a1", "type": "add", "inputs": ["c1", "c9"]}]})", {}, {"layers[1].inputs[1]", "c9"});
}

TEST_CASE("shapes that do not match at an add") {
  expect_failure("add-shape", R"({"name": "n", "input": {"shape": [3, 8, 8]}, "layers": [
    {"name": "c1", "type": "conv", "out_channels": 4, "kernel": 3, "pad": 1},
    {"name": "c2", "type": "conv", "out_channels": 5, "kernel": 3, "pad": 1},
    {"name": "a1", "type": "add", "inputs": ["c1", "c2"]}]})", {}, {"layers[2]", "4x8x8", "5x8x8"});
}

TEST_CASE("bad --set overrides") {
  expect_failure("set-unknown", kGoodNet, {"--set", "pe_array.lanez=4"}, {"pe_array.lanez", "unknown key"});
  expect_failure("set-zero", kGoodNet, {"--set", "pe_array.lanes=0"}, {"pe_array.lanes", ">= 1"});
  expect_failure("set-malformed", kGoodNet, {"--set", "clock_mhz"}, {"clock_mhz"});
}

TEST_CASE("bad architecture files") {
  expect_failure("arch-missing", kGoodNet, {}, {"nope.json", "cannot open"}, "/nonexistent/nope.json");
  const std::string unknown = arch_copy("arch-unknown", R"({"name": "a", "device": "zcu102.json",
    "pe_array": {"kind": "svpe", "lanes": 4, "vector": 4, "kernel": 3, "flavour": 1}})");
  expect_failure("arch-unknown", kGoodNet, {}, {"arch.json", "pe_array.flavour", "unknown key"}, unknown);
  const std::string kind = arch_copy("arch-kind", R"({"name": "a", "device": "zcu102.json",
    "pe_array": {"kind": "systolic"}})");
  expect_failure("arch-kind", kGoodNet, {}, {"pe_array.kind", "systolic"}, kind);
  const std::string dev = arch_copy("arch-dev", R"({"name": "a", "device": "missing_device.json"})");
  expect_failure("arch-dev", kGoodNet, {}, {"device", "missing_device.json"}, dev);
}

TEST_CASE("a layer that cannot fit the buffers is refused with the buffer named") {
  const char* wide = R"({"name": "n", "input": {"shape": [8, 40, 40]}, "layers": [
    {"name": "c1", "type": "conv", "out_channels": 8, "kernel": 11, "pad": 5}]})";
  expect_failure("no-fit", wide, {"--set", "buffers.input_kib=1"}, {"layer c1", "input buffer", "1024 bytes"});
  const char* big = R"({"name": "n", "input": {"shape": [64, 8, 8]}, "layers": [
    {"name": "c1", "type": "conv", "out_channels": 64, "kernel": 11, "pad": 5}]})";
  expect_failure("no-fit2", big, {"--set", "buffers.weight_kib=1"}, {"layer c1", "weight buffer"});
}

TEST_CASE("an input file of the wrong shape") {
  const std::string dir = scratch_dir("npy-src");
  // a valid float32 .npy of shape (2, 2, 2)
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2, 2), }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string npy = std::string("\x93NUMPY\x01\x00", 8);
  npy += char(header.size() & 0xFF);
  npy += char(header.size() >> 8);
  npy += header + std::string(8 * 4, '\0');
  write_text(dir + "/x.npy", npy);
  expect_failure("npy-shape", kGoodNet, {"--input", dir + "/x.npy"}, {"x.npy"});
}

TEST_CASE("a run that fails after computing leaves no output behind") {
  const std::string dir = scratch_dir("late-failure");
  write_text(dir + "/net.json", kGoodNet);
  std::filesystem::create_directories(dir + "/ro");
  // the report's directory does not exist: refused before any work, nothing written
  CliResult r = run_shiftsim({"run", "--arch", repo("configs/arch/svpe_zcu102.json"), "--net",
                              dir + "/net.json", "--dump-outputs", dir + "/dump", "--vcd",
                              dir + "/t.vcd", "--csv", dir + "/l.csv", "--report",
                              dir + "/missing/r.json"}, dir);
  CHECK(r.code == 2);
  CHECK(r.err.find("--report") != std::string::npos);
  CHECK(r.err.find("missing") != std::string::npos);
  // an input file that only fails when read, after the output paths were accepted
  write_text(dir + "/x.npy", "garbage");
  r = run_shiftsim({"run", "--arch", repo("configs/arch/svpe_zcu102.json"), "--net",
                    dir + "/net.json", "--dump-outputs", dir + "/dump", "--vcd", dir + "/t.vcd",
                    "--csv", dir + "/l.csv", "--report", dir + "/r.json", "--input",
                    dir + "/x.npy"}, dir);
  CHECK(r.code == 2);
  CHECK(r.err.find("x.npy") != std::string::npos);
  for (const char* left : {"/dump", "/dump.tmp", "/t.vcd", "/t.vcd.tmp", "/l.csv", "/l.csv.tmp",
                           "/r.json", "/r.json.tmp"})
    CHECK_FALSE(std::filesystem::exists(dir + left));
}

TEST_CASE("command-line mistakes exit with code 2 and a message") {
  const std::string dir = scratch_dir("cli-mistakes");
  const std::string arch = repo("configs/arch/svpe_zcu102.json");
  write_text(dir + "/net.json", kGoodNet);
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"run", "--arch", arch}, "exactly one of --net"},
      {{"run", "--arch", arch, "--net", dir + "/net.json", "--mode", "slow"}, "--mode"},
      {{"run", "--arch", arch, "--net", dir + "/net.json", "--frobnicate"}, "frobnicate"},
      {{"run", "--arch", arch, "--net", dir + "/net.json", "--seed", "-1"}, "--seed"},
      {{"run", "--arch", arch, "--net", dir + "/net.json", "--seed", "99999999999999999999999"}, "--seed"},
      {{"run", "--arch", arch, "--net", dir + "/net.json", "--vcd-from", "5"}, "need --vcd"},
      {{"run", "--arch", arch, "--net", dir + "/net.json", "--vcd", dir + "/t.vcd", "--vcd-from",
        "9", "--vcd-to", "3"}, "must be below --vcd-to"},
      {{"frobnicate"}, "subcommand"},
  };
  for (const auto& [args, fragment] : cases) {
    const CliResult r = run_shiftsim(args, dir);
    INFO(args.back() << ": " << r.err);
    CHECK(r.code == 2);
    CHECK(r.err.find("shiftsim: error: ") == 0);
    CHECK(r.err.find(fragment) != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(dir + "/t.vcd"));
}

TEST_CASE("layer names that are not safe file names are refused") {
  expect_failure("bad-name", R"({"name": "n", "input": {"shape": [3, 8, 8]}, "layers": [
    {"name": "../escaped", "type": "conv", "out_channels": 4, "kernel": 3}]})", {},
                 {"layers[0].name", "../escaped"});
}

TEST_CASE("a layer with too many weights is refused before anything is allocated") {
  expect_failure("huge", R"({"name": "n", "input": {"shape": [4096, 64, 64]}, "layers": [
    {"name": "fc", "type": "fc", "out_features": 100000}]})", {}, {"layers[0]", "weights"});
}
