// The work budget (sim/work_budget.h) and the per-layer tensor limit, each at its edge: the
// estimate itself as the budget is accepted, one less is refused with the message; a mistyped
// size is refused before any weight is generated; --allow-large runs it anyway.
#include <catch2/catch.hpp>

#include <regex>

#include "tests/support/cli.h"

using namespace shiftsim::test;

namespace {

const std::string kArch = repo("configs/arch/svpe_zcu102.json");
const std::string kNet = repo("configs/nets/tiny.json");

CliResult run_tiny(const std::string& dir, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"run", "--arch", kArch, "--net", kNet, "--no-check"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_shiftsim(args, dir);
}

// The number in "the run needs N <quantity>" of a refusal.
uint64_t needed(const std::string& err, const std::string& quantity) {
  std::smatch m;
  REQUIRE(std::regex_search(err, m, std::regex("the run needs ([0-9]+) " + quantity)));
  return std::stoull(m[1]);
}

// Refused with exit 2 and a message that names the file, the budget and the way out.
void check_over_budget(const CliResult& r, const std::string& file, const std::string& quantity,
                       const std::string& option) {
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(r.err.rfind("shiftsim: error: " + file + ": the run needs ", 0) == 0);
  CHECK(r.err.find(quantity + ", more than the budget of ") != std::string::npos);
  CHECK(r.err.find("(" + option + ")") != std::string::npos);
  CHECK(r.err.find("Give --allow-large to run it anyway") != std::string::npos);
}

std::string fc_net(int in_channels, int out_features) {
  return R"({"name": "wide_fc", "input": {"shape": [)" + std::to_string(in_channels) +
         R"(, 1, 1]}, "layers": [{"name": "fc", "type": "fc", "out_features": )" + std::to_string(out_features) +
         "}]}";
}

}  // namespace

TEST_CASE("the MAC budget at its edge: the estimate is accepted and one less is refused") {
  const std::string dir = scratch_dir("budget-macs");
  const CliResult probe = run_tiny(dir, {"--max-macs", "1"});
  check_over_budget(probe, kNet, "multiply-accumulates", "--max-macs");
  const uint64_t macs = needed(probe.err, "multiply-accumulates");
  CHECK(macs == 442368 + 2359296 + 40960);  // c1, c2 (3x3 convs to 16x32x32), fc (4096 -> 10)
  CHECK(run_tiny(dir, {"--max-macs", std::to_string(macs)}).code == 0);
  const CliResult under = run_tiny(dir, {"--max-macs", std::to_string(macs - 1)});
  check_over_budget(under, kNet, "multiply-accumulates", "--max-macs");
  CHECK(under.err.find("more than the budget of " + std::to_string(macs - 1)) != std::string::npos);
  CHECK(run_tiny(dir, {"--max-macs", "1", "--allow-large"}).code == 0);
}

TEST_CASE("the memory budget at its edge: the estimate is accepted and one byte less is refused") {
  const std::string dir = scratch_dir("budget-memory");
  const CliResult probe = run_tiny(dir, {"--max-memory", "1"});
  check_over_budget(probe, kNet, "bytes of memory", "--max-memory");
  const uint64_t bytes = needed(probe.err, "bytes of memory");
  CHECK(run_tiny(dir, {"--max-memory", std::to_string(bytes)}).code == 0);
  check_over_budget(run_tiny(dir, {"--max-memory", std::to_string(bytes - 1)}), kNet, "bytes of memory",
                    "--max-memory");
  CHECK(run_tiny(dir, {"--max-memory", "1", "--allow-large"}).code == 0);
}

TEST_CASE("a mistyped fc of 100000 outputs is refused by the default budget before any weight exists") {
  const std::string dir = scratch_dir("budget-default");
  const std::string net = dir + "/net.json";
  write_text(net, fc_net(16384, 100000));  // 1.6 G weights: about 15 GiB
  const CliResult r = run_shiftsim({"run", "--arch", kArch, "--net", net}, dir);
  check_over_budget(r, net, "bytes of memory", "--max-memory");
  CHECK(r.err.find("estimate: 1.64 G MACs, about 15.3 GiB of memory") != std::string::npos);
}

TEST_CASE("one layer's weights at the tensor limit parse and one more input channel is refused") {
  const std::string dir = scratch_dir("tensor-limit");
  const std::string net = dir + "/net.json";
  // 2047 x 2^20 = 2146435072 weights, the most an fc of at most 2^20 outputs has under 2^31 - 1:
  // the network is valid (the budget then refuses it, before allocating anything).
  write_text(net, fc_net(2047, 1048576));
  check_over_budget(run_shiftsim({"run", "--arch", kArch, "--net", net}, dir), net, "bytes of memory",
                    "--max-memory");
  write_text(net, fc_net(2048, 1048576));
  const CliResult r = run_shiftsim({"run", "--arch", kArch, "--net", net}, dir);
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(r.err.find(net + ": layers[0].out_features: 2147483648 weights: more than 2^31 - 1 in one layer") !=
        std::string::npos);
  // A product of sizes that overflows 64 bits is still refused (it used to wrap around).
  write_text(net, R"({"name": "n", "input": {"shape": [1048576, 1, 1]}, "layers": [
    {"name": "c", "type": "conv", "out_channels": 1048576, "kernel": 1048575, "pad": 524287}]})");
  const CliResult huge = run_shiftsim({"run", "--arch", kArch, "--net", net}, dir);
  INFO(huge.err);
  CHECK(huge.code == 2);
  CHECK(huge.err.find(net + ": layers[0] (c): over 9e18 weights: more than 2^31 - 1 in one layer") != std::string::npos);
}

// Sequence networks (lstm, gru) take the same budget, refused with the same message before
// anything is generated or simulated; the test split's sequences count as its images.
TEST_CASE("a sequence run's budget: the estimate is accepted, one less is refused, --allow-large runs it") {
  const std::string dir = scratch_dir("budget-seq");
  const std::string net = dir + "/lstm.json";
  write_text(net, R"({"name": "seq", "input": {"shape": [6, 10, 1]}, "layers": [
    {"name": "l", "type": "lstm", "hidden_size": 20}]})");
  auto run_seq = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"run", "--arch", kArch, "--net", net};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_shiftsim(args, dir);
  };
  const CliResult probe = run_seq({"--max-macs", "1"});
  check_over_budget(probe, net, "multiply-accumulates", "--max-macs");
  CHECK(probe.out.empty());  // nothing simulated, no report printed
  const uint64_t macs = needed(probe.err, "multiply-accumulates");
  CHECK(macs == 6 * 4 * 20 * (10 + 20));  // T steps of 4 gates x H rows x (I + H) columns
  const CliResult at = run_seq({"--max-macs", std::to_string(macs)});
  INFO(at.err);
  CHECK(at.code == 0);
  CHECK(at.out.find("bit-exact sequences 1 of 1") != std::string::npos);
  check_over_budget(run_seq({"--max-macs", std::to_string(macs - 1)}), net, "multiply-accumulates", "--max-macs");
  const CliResult mem = run_seq({"--max-memory", "1"});
  check_over_budget(mem, net, "bytes of memory", "--max-memory");
  const uint64_t bytes = needed(mem.err, "bytes of memory");
  CHECK(run_seq({"--max-memory", std::to_string(bytes)}).code == 0);
  check_over_budget(run_seq({"--max-memory", std::to_string(bytes - 1)}), net, "bytes of memory", "--max-memory");
  CHECK(run_seq({"--max-macs", "1", "--max-memory", "1", "--allow-large"}).code == 0);
}

TEST_CASE("a mistyped lstm of 20000 units is refused by the default budget before any weight exists") {
  const std::string dir = scratch_dir("budget-seq-default");
  const std::string net = dir + "/big.json";
  // 4 x 20000 x (100 + 20000) = 1.6 G weights (under the one-layer limit): about 15 GiB
  write_text(net, R"({"name": "big", "input": {"shape": [10, 100, 1]}, "layers": [
    {"name": "l", "type": "lstm", "hidden_size": 20000}]})");
  const CliResult r = run_shiftsim({"run", "--arch", kArch, "--net", net}, dir);
  check_over_budget(r, net, "bytes of memory", "--max-memory");
  CHECK(r.err.find("estimate: 16.1 G MACs, about 15 GiB of memory") != std::string::npos);
}
