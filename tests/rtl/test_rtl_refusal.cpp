// What `pe_array.impl = rtl` refuses (docs/RTL.md): a machine no verilated shape implements,
// naming the shapes that exist, and fast mode, which has no compute unit to replace.
#include <catch2/catch.hpp>

#include "tests/support/cli.h"

using namespace shiftsim::test;

namespace {
CliResult run(const std::vector<std::string>& extra, const std::string& dir) {
  std::vector<std::string> args = {"run", "--arch", repo("configs/arch/svpe_zcu102.json"), "--net",
                                   repo("configs/nets/lenet5.json"), "--set", "pe_array.impl=rtl"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_shiftsim(args, dir);
}
}  // namespace

TEST_CASE("refusal: a shape that was not verilated names the ones that were") {
  const CliResult r = run({"--mode", "cycle", "--set", "pe_array.lanes=5"}, scratch_dir("rtl-refuse-shape"));
  INFO(r.out << r.err);
  CHECK(r.code == 2);
  CHECK(r.err.find("pe_array.impl: rtl: no verilated compute unit for svpe (5, 8, 3)") != std::string::npos);
  CHECK(r.err.find("this build verilated: svpe (4, 2, 3)") != std::string::npos);
  CHECK(r.err.find("vpe (4, 2, 3)") != std::string::npos);
}

TEST_CASE("refusal: widths and latencies a verilated shape does not hold") {
  for (const char* set : {"numerics.weight_bits=4", "buffers.input_read_latency=2", "pe_array.product_stages=2",
                          "numerics.sign_offset_max=1"}) {
    const CliResult r = run({"--mode", "cycle", "--set", "pe_array.lanes=4", "--set", "pe_array.vector=2", "--set", set},
                            scratch_dir("rtl-refuse-width"));
    INFO(set << ": " << r.out << r.err);
    CHECK(r.code == 2);
    CHECK(r.err.find("no verilated compute unit") != std::string::npos);
  }
}

TEST_CASE("refusal: the RTL is cycle mode's compute unit") {
  const CliResult r = run({"--mode", "fast", "--set", "pe_array.lanes=4", "--set", "pe_array.vector=2"},
                          scratch_dir("rtl-refuse-fast"));
  INFO(r.out << r.err);
  CHECK(r.code == 2);
  CHECK(r.err.find("pe_array.impl rtl is cycle mode's compute unit") != std::string::npos);
}
