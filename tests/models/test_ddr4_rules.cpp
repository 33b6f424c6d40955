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

namespace {
Ddr4Spec ddr4_2400_spec() {
  Ddr4Spec s = round_spec();
  s.tck_ns = 2000.0 / 2400;
  s.cl = 17, s.cwl = 16, s.trcd = 17, s.trp = 17;
  s.tras = 39, s.trc = 56, s.trrd_s = 7, s.trrd_l = 8;
  s.tfaw = 36, s.twr = 18, s.twtr_s = 3, s.twtr_l = 9;
  s.trtp = 9, s.tccd_s = 4, s.tccd_l = 6;
  s.trefi = 9360, s.trfc = 420;
  return s;
}

// Reads and writes of random sizes to a few rows of every bank, arriving in bursts and gaps
// (some longer than tREFI): request(write, arrival, addr, bytes) for each of n.
template <class Request>
void random_traffic(int n, Request&& request) {
  uint64_t seed = 12345;
  auto next = [&seed](uint64_t k) {  // xorshift: reproducible on every platform
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed % k;
  };
  uint64_t arrival = 0;
  for (int i = 0; i < n; ++i) {
    const uint64_t gap = next(20) == 0 ? next(20'000) : next(40);
    arrival += gap;
    const uint64_t page = next(4) * 65536 + next(8) * 8192;  // row 0..3, any bank
    const uint64_t offset = next(4096);
    const auto bytes = static_cast<uint32_t>(1 + next(4096 - offset));
    request(next(3) == 0, arrival, page + offset, bytes);
  }
}
}  // namespace

TEST_CASE("DDR4 random traffic: every command in the log obeys every timing rule") {
  // Three parts: the round one with each address map, and DDR4-2400 against a 200 MHz
  // accelerator.
  const std::pair<Ddr4Spec, double> parts[] = {
      {round_spec(), kSameClockMhz}, {interleaved_spec(), kSameClockMhz}, {ddr4_2400_spec(), 200.0}};
  for (const auto& [spec, clock] : parts) {
    Ddr4Timing dram(spec, clock);
    std::vector<Ddr4Command> log;
    dram.log_to(&log);
    uint64_t previous_first = 0;
    random_traffic(3000, [&](bool write, uint64_t arrival, uint64_t addr, uint32_t bytes) {
      const auto a = dram.access(write, arrival, addr, bytes);
      REQUIRE(a.first_data >= arrival);
      REQUIRE(a.last_data >= a.first_data);
      REQUIRE(a.first_data >= previous_first);  // FCFS: data in arrival order
      previous_first = a.first_data;
    });
    INFO("clock " << clock << " MHz, " << log.size() << " commands");
    CHECK(first_violation(log, spec) == "");
    CHECK(dram.stats().refreshes > 0);
    CHECK(dram.stats().row_conflicts > 0);
  }
}

TEST_CASE("DDR4 row streaks in closed form place every command where the general rule does") {
  const std::pair<Ddr4Spec, double> parts[] = {
      {round_spec(), kSameClockMhz}, {interleaved_spec(), kSameClockMhz}, {ddr4_2400_spec(), 200.0}};
  for (const auto& [spec, clock] : parts) {
    Ddr4Timing streaks(spec, clock), general(spec, clock);
    general.use_row_streaks(false);
    std::vector<Ddr4Command> a_log, b_log;
    streaks.log_to(&a_log);
    general.log_to(&b_log);
    size_t differ = 0;
    random_traffic(3000, [&](bool write, uint64_t arrival, uint64_t addr, uint32_t bytes) {
      const auto a = streaks.access(write, arrival, addr, bytes);
      const auto b = general.access(write, arrival, addr, bytes);
      differ += a.first_data != b.first_data || a.last_data != b.last_data;
    });
    INFO("clock " << clock << " MHz");
    CHECK(differ == 0);
    REQUIRE(a_log.size() == b_log.size());
    for (size_t i = 0; i < a_log.size(); ++i) {
      INFO("command " << i);
      REQUIRE(a_log[i].dram_cycle == b_log[i].dram_cycle);
      REQUIRE(a_log[i].kind == b_log[i].kind);
    }
    const Ddr4Stats &x = streaks.stats(), &y = general.stats();
    CHECK(x.row_hits == y.row_hits);
    CHECK(x.row_misses == y.row_misses);
    CHECK(x.row_conflicts == y.row_conflicts);
    CHECK(x.reads == y.reads);
    CHECK(x.writes == y.writes);
    CHECK(x.refreshes == y.refreshes);
    CHECK(x.read_to_write == y.read_to_write);
    CHECK(x.write_to_read == y.write_to_read);
    CHECK(x.row_hits > x.row_misses);  // the traffic has streaks to take
  }
}
