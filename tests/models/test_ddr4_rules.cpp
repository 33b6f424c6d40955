// The DDR4 timing model under random traffic: every command it logs obeys every timing rule,
// as an independent checker (tests/models/ddr4_rule_checker.h) reads them.
#include <catch2/catch.hpp>

#include <cstdint>
#include <utility>
#include <vector>

#include "models/memory/ddr4_timing.h"
#include "tests/models/ddr4_rule_checker.h"
#include "tests/models/ddr4_test_parts.h"

using namespace shiftsim::models;

TEST_CASE("DDR4 random traffic: every command in the log obeys every timing rule") {
  // Reads and writes of random sizes to a few rows of every bank, arriving in bursts and
  // gaps (some longer than tREFI), on three parts: the round one with each address map, and
  // DDR4-2400 against a 200 MHz accelerator.
  Ddr4Spec ddr4_2400 = round_spec();
  ddr4_2400.tck_ns = 2000.0 / 2400;
  ddr4_2400.cl = 17, ddr4_2400.cwl = 16, ddr4_2400.trcd = 17, ddr4_2400.trp = 17;
  ddr4_2400.tras = 39, ddr4_2400.trc = 56, ddr4_2400.trrd_s = 7, ddr4_2400.trrd_l = 8;
  ddr4_2400.tfaw = 36, ddr4_2400.twr = 18, ddr4_2400.twtr_s = 3, ddr4_2400.twtr_l = 9;
  ddr4_2400.trtp = 9, ddr4_2400.tccd_s = 4, ddr4_2400.tccd_l = 6;
  ddr4_2400.trefi = 9360, ddr4_2400.trfc = 420;
  const std::pair<Ddr4Spec, double> parts[] = {
      {round_spec(), kSameClockMhz}, {interleaved_spec(), kSameClockMhz}, {ddr4_2400, 200.0}};
  uint64_t seed = 12345;
  auto next = [&seed](uint64_t n) {  // xorshift: reproducible on every platform
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed % n;
  };
  for (const auto& [spec, clock] : parts) {
    Ddr4Timing dram(spec, clock);
    std::vector<Ddr4Command> log;
    dram.log_to(&log);
    uint64_t arrival = 0, previous_first = 0;
    for (int i = 0; i < 3000; ++i) {
      const uint64_t gap = next(20) == 0 ? next(20'000) : next(40);
      arrival += gap;
      const uint64_t page = next(4) * 65536 + next(8) * 8192;  // row 0..3, any bank
      const uint64_t offset = next(4096);
      const auto bytes = static_cast<uint32_t>(1 + next(4096 - offset));
      const auto a = dram.access(next(3) == 0, arrival, page + offset, bytes);
      REQUIRE(a.first_data >= arrival);
      REQUIRE(a.last_data >= a.first_data);
      REQUIRE(a.first_data >= previous_first);  // FCFS: data in arrival order
      previous_first = a.first_data;
    }
    INFO("clock " << clock << " MHz, " << log.size() << " commands");
    CHECK(first_violation(log, spec) == "");
    CHECK(dram.stats().refreshes > 0);
    CHECK(dram.stats().row_conflicts > 0);
  }
}
