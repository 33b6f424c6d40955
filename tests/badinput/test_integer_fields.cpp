// Integer fields of every JSON input take whole numbers in any JSON notation (16, 16.0, 1.6e1,
// -0.0) and refuse fractions, and whole numbers out of range with the range, naming the value
// (docs/LIMITS.md).
#include <catch2/catch.hpp>

#include "tests/support/cli.h"

using namespace shiftsim::test;

namespace {

const std::string kArch = repo("configs/arch/svpe_zcu102.json");

std::string net_with_shape(const std::string& shape) {
  return R"({"name": "n", "input": {"shape": )" + shape +
         R"(}, "layers": [{"name": "c1", "type": "conv", "out_channels": 4, "kernel": 3, "pad": 1}]})";
}

void expect_refusal(const std::string& dir, const std::string& net, const std::string& fragment) {
  const CliResult r = run_shiftsim({"run", "--arch", kArch, "--net", net}, dir);
  INFO("stderr: " << r.err);
  CHECK(r.code == 2);
  CHECK(r.err.find("shiftsim: error: " + net + fragment) != std::string::npos);
}

}  // namespace

TEST_CASE("integer fields take whole numbers in any notation and refuse the rest with the value") {
  const std::string dir = scratch_dir("integer-notation");
  const std::string net = dir + "/net.json";
  // Accepted: whole numbers, including -0.0 (zero) and 8.0 and 0.8e1.
  write_text(net, R"({"name": "n", "input": {"shape": [3, 8.0, 0.8e1]}, "layers": [
    {"name": "c1", "type": "conv", "out_channels": 4, "kernel": 3, "pad": -0.0}]})");
  const CliResult ok = run_shiftsim({"run", "--arch", kArch, "--net", net}, dir);
  INFO(ok.err);
  CHECK(ok.code == 0);
  // Refused: a fraction, and whole numbers out of range (as the range, not as "not an integer").
  write_text(net, net_with_shape("[3, 8.5, 8]"));
  expect_refusal(dir, net, ": input.shape[1]: must be an integer, found 8.5");
  write_text(net, net_with_shape("[3, 1e30, 8]"));
  expect_refusal(dir, net, ": input.shape[1]: must be <= 1048576, found 1e+30");
  write_text(net, net_with_shape("[3, 18446744073709551615, 8]"));
  expect_refusal(dir, net, ": input.shape[1]: must be <= 1048576, found 18446744073709551615");
  write_text(net, net_with_shape("[3, -1e30, 8]"));
  expect_refusal(dir, net, ": input.shape[1]: must be >= 1, found -1e+30");
}

