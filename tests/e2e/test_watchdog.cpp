// Cycle mode's deadlock guard: a run in which no unit moves data, issues or retires for
// --watchdog-cycles stops with an error instead of clocking forever, and leaves nothing behind.
// A DRAM latency longer than the watchdog stands in for a deadlock (the units wait on it).
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/support/cli.h"

using namespace shiftsim::test;

namespace {
CliResult run_with(const std::string& dir, const std::string& watchdog) {
  return run_shiftsim({"run", "--arch", repo("configs/arch/svpe_zcu102.json"), "--net",
                       repo("configs/nets/tiny.json"), "--mode", "cycle",
                       "--set", "dram.controller_latency_ns=2000",
                       "--watchdog-cycles", watchdog, "--report", dir + "/r.json"},
                      dir);
}
}  // namespace

TEST_CASE("cycle mode stops when no unit makes progress for --watchdog-cycles") {
  const std::string dir = scratch_dir("watchdog");
  // 2000 ns at 200 MHz: every DMA job waits 400 cycles for its first data
  const CliResult stuck = run_with(dir, "100");
  CHECK(stuck.code == 3);
  CHECK(stuck.err.find("no unit made progress for 100 cycles") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir + "/r.json"));
  const CliResult fine = run_with(dir, "1000");
  INFO(fine.err);
  CHECK(fine.code == 0);
  CHECK(std::filesystem::exists(dir + "/r.json"));
  const CliResult bad = run_with(dir, "0");
  CHECK(bad.code == 2);
  CHECK(bad.err.find("--watchdog-cycles") != std::string::npos);
}
