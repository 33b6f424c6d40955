// The DDR4 timing model (models/memory/ddr4_timing.h) against command traces worked out by
// hand from docs/MEMORY.md. Most tests use a test-only part with round numbers and a DRAM
// clock equal to the accelerator clock, so DRAM cycles and accelerator cycles are the same
// numbers; one uses DDR4-2400 against a 200 MHz accelerator.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/memory/ddr4_timing.h"
#include "tests/models/ddr4_test_parts.h"

using namespace shiftsim::models;

namespace {

// Default map of round_spec(): offset [5:0], column [12:6], bank group [13], bank [15:14],
// row [25:16].
uint64_t at(uint32_t bank_group, uint32_t bank, uint32_t row, uint32_t column) {
  return uint64_t{row} * 65536 + uint64_t{bank} * 16384 + uint64_t{bank_group} * 8192 +
         uint64_t{column} * 64;
}

// "ACT@0 RD@10 ...", in cycle order: readable when a CHECK fails.
std::string timeline(const std::vector<Ddr4Command>& log) {
  std::vector<Ddr4Command> sorted = log;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Ddr4Command& a, const Ddr4Command& b) {
    return a.dram_cycle < b.dram_cycle;
  });
  std::string out;
  for (const Ddr4Command& c : sorted)
    out += (out.empty() ? "" : " ") + std::string(ddr4_command_name(c.kind)) + "@" +
           std::to_string(c.dram_cycle);
  return out;
}

}  // namespace

TEST_CASE("DDR4 address map: fields from bit 0 up, in the configured order") {
  // Row 3, bank 2, bank group 1, column 41, byte 17: 3*65536 + 2*16384 + 8192 + 41*64 + 17.
  const uint64_t addr = 240209;
  const Ddr4Timing plain(round_spec(), kSameClockMhz);
  const Ddr4Location a = plain.decode(addr);
  CHECK(a.row == 3);
  CHECK(a.bank == 2);
  CHECK(a.bank_group == 1);
  CHECK(a.column == 41);

  // Interleaved: bits 5:0 offset, 6 bank group, 13:7 column, 15:14 bank, 25:16 row.
  // 240209 >> 6 = 3753 = 0b11'10'1010100'1: bank group 1, column 0b1010100 = 84, bank 2, row 3.
  const Ddr4Timing interleaved(interleaved_spec(), kSameClockMhz);
  const Ddr4Location b = interleaved.decode(addr);
  CHECK(b.bank_group == 1);
  CHECK(b.column == 84);
  CHECK(b.bank == 2);
  CHECK(b.row == 3);
}

TEST_CASE("DDR4 row miss costs tRCD + CL, a hit CL, a conflict tRP + tRCD + CL") {
  Ddr4Timing dram(round_spec(), kSameClockMhz);
  std::vector<Ddr4Command> log;
  dram.log_to(&log);

  // Miss (all banks closed): ACT@0, RD@0+tRCD=10, data on the bus in cycles 20..23 (CL 10,
  // BL/2 = 4).
  const auto miss = dram.access(false, 0, at(0, 0, 0, 0), 64);
  CHECK(miss.first_data == 20);
  CHECK(miss.last_data == 23);
  // Hit, long after: RD@100, data 110..113.
  const auto hit = dram.access(false, 100, at(0, 0, 0, 1), 64);
  CHECK(hit.first_data == 110);
  CHECK(hit.last_data == 113);
  // Conflict (row 1 in the bank holding row 0): PRE@200, ACT@200+tRP=210, RD@220, data 230..233.
  const auto conflict = dram.access(false, 200, at(0, 0, 1, 0), 64);
  CHECK(conflict.first_data == 230);
  CHECK(conflict.last_data == 233);

  CHECK(timeline(log) == "ACT@0 RD@10 RD@100 PRE@200 ACT@210 RD@220");
  CHECK(dram.stats().row_misses == 1);
  CHECK(dram.stats().row_hits == 1);
  CHECK(dram.stats().row_conflicts == 1);
}

TEST_CASE("DDR4 conflict right after an ACT waits for tRAS, then tRC") {
  Ddr4Timing dram(round_spec(), kSameClockMhz);
  std::vector<Ddr4Command> log;
  dram.log_to(&log);
  dram.access(false, 0, at(0, 0, 0, 0), 64);  // ACT@0, RD@10
  // PRE: tRAS after the ACT (0+24) beats tRTP after the RD (10+6): PRE@24. ACT: tRP after the
  // PRE gives 34, tRC after the first ACT gives 36: ACT@36. RD@46, data 56..59.
  const auto conflict = dram.access(false, 1, at(0, 0, 1, 0), 64);
  CHECK(conflict.first_data == 56);
  CHECK(conflict.last_data == 59);
  CHECK(timeline(log) == "ACT@0 RD@10 PRE@24 ACT@36 RD@46");
}

TEST_CASE("DDR4 column commands: tCCD_L within a bank group, tCCD_S across") {
  SECTION("same bank group: two row hits tCCD_L = 6 apart") {
    Ddr4Timing dram(round_spec(), kSameClockMhz);
    dram.access(false, 0, at(0, 0, 0, 0), 64);  // opens bank (0,0)
    dram.access(false, 0, at(0, 1, 0, 0), 64);  // opens bank (0,1)
    // At 200 both hit: RD@200, RD@206; the second's data 216..219.
    CHECK(dram.access(false, 200, at(0, 0, 0, 1), 64).first_data == 210);
    const auto second = dram.access(false, 200, at(0, 1, 0, 1), 64);
    CHECK(second.first_data == 216);
    CHECK(second.last_data == 219);
  }
  SECTION("different bank groups: two row hits tCCD_S = 4 apart, back to back on the bus") {
    Ddr4Timing dram(round_spec(), kSameClockMhz);
    dram.access(false, 0, at(0, 0, 0, 0), 64);
    dram.access(false, 0, at(1, 0, 0, 0), 64);
    // RD@200, RD@204; data 210..213 then 214..217.
    CHECK(dram.access(false, 200, at(0, 0, 0, 1), 64).last_data == 213);
    const auto second = dram.access(false, 200, at(1, 0, 0, 1), 64);
    CHECK(second.first_data == 214);
    CHECK(second.last_data == 217);
  }
  SECTION("one burst over two BL8 in one bank: RD@10, RD@16") {
    Ddr4Timing dram(round_spec(), kSameClockMhz);
    const auto burst = dram.access(false, 0, at(0, 0, 0, 0), 128);
    CHECK(burst.first_data == 20);
    CHECK(burst.last_data == 29);  // second RD@16: data 26..29
  }
}

TEST_CASE("DDR4 ACTs: tRRD_L within a bank group, tRRD_S across") {
  SECTION("same bank group") {
    Ddr4Timing dram(round_spec(), kSameClockMhz);
    std::vector<Ddr4Command> log;
    dram.log_to(&log);
    // Both arrive at 0. ACT(0,0)@0, RD@10. The second ACT goes ahead of that RD, held back
    // only by tRRD_L: ACT(0,1)@6, RD@max(6+tRCD, 10+tCCD_L) = 16.
    dram.access(false, 0, at(0, 0, 0, 0), 64);
    const auto second = dram.access(false, 0, at(0, 1, 0, 0), 64);
    CHECK(second.first_data == 26);
    CHECK(timeline(log) == "ACT@0 ACT@6 RD@10 RD@16");
  }
  SECTION("different bank groups") {
    Ddr4Timing dram(round_spec(), kSameClockMhz);
    std::vector<Ddr4Command> log;
    dram.log_to(&log);
    // ACT(1,0)@0+tRRD_S = 4, RD@max(4+tRCD, 10+tCCD_S) = 14.
    dram.access(false, 0, at(0, 0, 0, 0), 64);
    const auto second = dram.access(false, 0, at(1, 0, 0, 0), 64);
    CHECK(second.first_data == 24);
    CHECK(timeline(log) == "ACT@0 ACT@4 RD@10 RD@14");
  }
}

TEST_CASE("DDR4 tFAW holds back the fifth ACT") {
  Ddr4Timing dram(round_spec(), kSameClockMhz);
  std::vector<Ddr4Command> log;
  dram.log_to(&log);
  // Five reads arriving at 0, to five closed banks, alternating bank groups. ACTs by tRRD:
  //   (0,0)@0; (1,0)@0+tRRD_S = 4; (0,1)@max(0+tRRD_L, 4+tRRD_S) = 8;
  //   (1,1)@max(4+tRRD_L, 8+tRRD_S) = 12; (0,2) would be @max(8+6, 12+4) = 16, but four ACTs
  //   (0..12) already sit in the window: @0+tFAW = 30.
  // RDs: 10; max(4+10, 10+tCCD_S) = 14; max(8+10, 14+4) = 18; max(12+10, 18+4) = 22; 30+10 = 40.
  const uint64_t addrs[] = {at(0, 0, 0, 0), at(1, 0, 0, 0), at(0, 1, 0, 0), at(1, 1, 0, 0),
                            at(0, 2, 0, 0)};
  std::vector<Ddr4Timing::Access> got;
  for (uint64_t a : addrs) got.push_back(dram.access(false, 0, a, 64));
  CHECK(got[3].first_data == 32);
  CHECK(got[4].first_data == 50);  // RD@40 + CL
  CHECK(timeline(log) == "ACT@0 ACT@4 ACT@8 RD@10 ACT@12 RD@14 RD@18 RD@22 ACT@30 RD@40");
}

TEST_CASE("DDR4 read-to-write turnaround: WR >= RD + CL + BL/2 + 2 - CWL") {
  Ddr4Timing dram(round_spec(), kSameClockMhz);
  dram.access(false, 0, at(0, 0, 0, 0), 64);  // ACT@0, RD@10, read data 20..23
  // A row hit arriving at once: WR@10 + (10 + 4 + 2 - 8) = 18 (tCCD_L alone would allow 16);
  // write data 18+CWL = 26..29, two idle clocks after the read data.
  const auto w = dram.access(true, 0, at(0, 0, 0, 1), 64);
  CHECK(w.first_data == 26);
  CHECK(w.last_data == 29);
  CHECK(dram.stats().read_to_write == 1);
  CHECK(dram.stats().write_to_read == 0);
}

TEST_CASE("DDR4 write-to-read turnaround: tWTR_L / tWTR_S after the end of write data") {
  SECTION("same bank group: tWTR_L") {
    Ddr4Timing dram(round_spec(), kSameClockMhz);
    // ACT@0, WR@10, write data 18..21, ends at 22.
    const auto w = dram.access(true, 0, at(0, 0, 0, 0), 64);
    CHECK(w.first_data == 18);
    CHECK(w.last_data == 21);
    // RD@22 + tWTR_L 6 = 28, read data 38..41.
    const auto r = dram.access(false, 0, at(0, 0, 0, 1), 64);
    CHECK(r.first_data == 38);
    CHECK(r.last_data == 41);
    CHECK(dram.stats().write_to_read == 1);
  }
  SECTION("different bank group: tWTR_S") {
    Ddr4Timing dram(round_spec(), kSameClockMhz);
    dram.access(true, 0, at(0, 0, 0, 0), 64);  // ACT@0, WR@10, write data ends at 22
    // ACT(1,0)@4 (tRRD_S), RD@max(4+tRCD, 22+tWTR_S) = 24, data 34..37.
    const auto r = dram.access(false, 0, at(1, 0, 0, 0), 64);
    CHECK(r.first_data == 34);
    CHECK(r.last_data == 37);
  }
}

TEST_CASE("DDR4 refresh: a request just after tREFI waits for PREA, REF and tRFC") {
  Ddr4Timing dram(round_spec(), kSameClockMhz);
  std::vector<Ddr4Command> log;
  dram.log_to(&log);
  dram.access(false, 0, at(0, 0, 0, 0), 64);  // ACT@0, RD@10: row 0 stays open
  // Refresh 1 is due at tREFI = 5000: PREA@5000 (the bank's tRAS/tRTP are long past),
  // REF@5000+tRP = 5010, banks blocked until 5010+tRFC = 5110. The row was closed, so the
  // would-be hit is a miss: ACT@5110, RD@5120, data 5130..5133.
  const auto r = dram.access(false, 5001, at(0, 0, 0, 1), 64);
  CHECK(r.first_data == 5130);
  CHECK(r.last_data == 5133);
  CHECK(timeline(log) == "ACT@0 RD@10 PREA@5000 REF@5010 ACT@5110 RD@5120");
  CHECK(dram.stats().refreshes == 1);
  CHECK(dram.stats().precharge_alls == 1);
  CHECK(dram.stats().row_hits == 0);
  CHECK(dram.stats().row_misses == 2);
}

TEST_CASE("DDR4 refresh falling due inside a burst goes before its next column command") {
  Ddr4Timing dram(round_spec(), kSameClockMhz);
  std::vector<Ddr4Command> log;
  dram.log_to(&log);
  dram.access(false, 0, at(0, 0, 0, 0), 64);  // ACT@0, RD@10
  // Three BL8 on the open row from 4990: RD@4990, RD@4996 (tCCD_L); the third would be @5002,
  // at or after the due time 5000, so the refresh goes first: PREA@max(5000, 4996+tRTP) = 5002,
  // REF@5012, ACT@5112, RD@5122, its data ending at 5122+10+4 = 5136: last cycle 5135.
  const auto r = dram.access(false, 4990, at(0, 0, 0, 0), 192);
  CHECK(r.first_data == 5000);
  CHECK(r.last_data == 5135);
  CHECK(timeline(log) ==
        "ACT@0 RD@10 RD@4990 RD@4996 PREA@5002 REF@5012 ACT@5112 RD@5122");
  CHECK(dram.stats().row_hits == 2);
  CHECK(dram.stats().row_misses == 2);
}

TEST_CASE("DDR4 refreshes in a long idle gap cost no time per refresh") {
  Ddr4Timing dram(round_spec(), kSameClockMhz);
  dram.access(false, 0, at(0, 0, 0, 0), 64);  // row 0 open
  // 10^11 refreshes fall due by 5000 * 10^11 + 7; the last one at 5e14 blocks the banks until
  // 5e14 + tRFC: ACT@5e14+100, RD@5e14+110, data from 5e14+120.
  const uint64_t refreshes = 100'000'000'000;
  const uint64_t last_due = 5000 * refreshes;
  const auto start = std::chrono::steady_clock::now();
  const auto r = dram.access(false, last_due + 7, at(0, 0, 0, 0), 64);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(r.first_data == last_due + 120);
  CHECK(dram.stats().refreshes == refreshes);
  CHECK(dram.stats().precharge_alls == 1);  // only the first found a row open
  CHECK(seconds < 1.0);  // one by one, 10^11 refreshes would take minutes
}

TEST_CASE("DDR4 idle-gap refreshes in closed form match placing them one by one") {
  // A log makes the model place every refresh; without one it counts them at once.
  Ddr4Timing counted(round_spec(), kSameClockMhz);
  Ddr4Timing placed(round_spec(), kSameClockMhz);
  std::vector<Ddr4Command> log;
  placed.log_to(&log);
  for (Ddr4Timing* dram : {&counted, &placed}) {
    dram->access(true, 0, at(0, 0, 0, 0), 64);
    dram->access(false, 5, at(1, 2, 3, 0), 64);
  }
  // 20 refreshes due by 100 050 (k * 5000, k = 1..20); the last at 100 000 blocks until
  // 100 100: ACT@100100, RD@100110.
  const auto a = counted.access(false, 100'050, at(0, 0, 0, 0), 64);
  const auto b = placed.access(false, 100'050, at(0, 0, 0, 0), 64);
  CHECK(a.first_data == 100'120);
  CHECK(b.first_data == a.first_data);
  CHECK(b.last_data == a.last_data);
  CHECK(counted.stats().refreshes == 20);
  CHECK(placed.stats().refreshes == 20);
  const auto refs = std::count_if(log.begin(), log.end(), [](const Ddr4Command& c) {
    return c.kind == Ddr4CommandKind::ref;
  });
  CHECK(refs == 20);
}

TEST_CASE("DDR4 advance_to performs the refreshes due by then") {
  Ddr4Timing dram(round_spec(), kSameClockMhz);
  dram.advance_to(4999);
  CHECK(dram.stats().refreshes == 0);
  dram.advance_to(15'000);  // due at 5000, 10000, 15000
  CHECK(dram.stats().refreshes == 3);
  CHECK(dram.stats().precharge_alls == 0);  // nothing was open
  CHECK_THROWS_AS(dram.access(false, 14'999, 0, 64), std::logic_error);
}

TEST_CASE("DDR4 a 4 KiB burst on open rows streams at the full bus rate") {
  // Bank groups alternate every 64 bytes, so the 64 RDs go out tCCD_S = 4 apart (each bank
  // group sees one every 8 >= tCCD_L).
  Ddr4Timing dram(interleaved_spec(), kSameClockMhz);
  dram.access(false, 0, 0, 128);  // opens row 0 in bank 0 of both bank groups
  const auto s0 = dram.stats();
  // RD@100 + 4i, i = 0..63: data from 110 to the last RD (352) + CL + BL/2 = 366, i.e. the
  // 256 cycles 110..365.
  const auto burst = dram.access(false, 100, 0, 4096);
  CHECK(burst.first_data == 110);
  CHECK(burst.last_data == 365);
  CHECK(dram.stats().reads - s0.reads == 64);
  CHECK(dram.stats().row_hits - s0.row_hits == 64);
}

TEST_CASE("DDR4-2400 against a 200 MHz accelerator: six DRAM clocks per cycle") {
  // DDR4-2400 by hand (tCK = 0.8333 ns): CL = tRCD = tRP = 17, CWL 16, tRAS 32 ns -> 39,
  // tRC 46.16 ns -> 56, tRRD_S 5.3 ns -> 7, tRRD_L 6.4 ns -> 8, tFAW 30 ns -> 36, tWR 15 ns -> 18,
  // tWTR_S 2.5 ns -> 3, tWTR_L 7.5 ns -> 9, tRTP 7.5 ns -> 9, tCCD_S 4, tCCD_L 5 ns -> 6,
  // tREFI 7.8 us -> 9360, tRFC 350 ns -> 420.
  Ddr4Spec s = round_spec();
  s.tck_ns = 2000.0 / 2400;
  s.rows = 65536;
  s.cl = 17, s.cwl = 16, s.trcd = 17, s.trp = 17, s.tras = 39, s.trc = 56;
  s.trrd_s = 7, s.trrd_l = 8, s.tfaw = 36, s.twr = 18, s.twtr_s = 3, s.twtr_l = 9, s.trtp = 9;
  s.tccd_s = 4, s.tccd_l = 6, s.trefi = 9360, s.trfc = 420;
  s.address_map = interleaved_spec().address_map;
  Ddr4Timing dram(s, 200.0);

  CHECK(dram.dram_edge_at(10) == 60);
  // Arrives in cycle 10 = DRAM edge 60: ACT@60, RD@77, data on DRAM edges 94..98, i.e. in
  // accelerator cycles floor(94/6) = 15 to ceil(98/6) - 1 = 16.
  const auto miss = dram.access(false, 10, 0, 64);
  CHECK(miss.first_data == 15);
  CHECK(miss.last_data == 16);
  // Opens bank group 1 as well: ACT@max(61, 60+tRRD_S) = 67, RD@84.
  dram.access(false, 10, 64, 64);
  // 4 KiB of row hits arriving in cycle 100 = edge 600: RD@600 + 4i, data from edge 617
  // (cycle 102) to 852 + 17 + 4 = 873 (cycle ceil(873/6) - 1 = 145): 256 nCK = 42.7 cycles.
  const auto burst = dram.access(false, 100, 0, 4096);
  CHECK(burst.first_data == 102);
  CHECK(burst.last_data == 145);
}

TEST_CASE("DDR4 clock conversion with a non-integer ratio rounds as documented") {
  Ddr4Spec s = round_spec();
  s.tck_ns = 2000.0 / 2400;               // 1200 MHz
  const Ddr4Timing dram(s, 250.0);        // 4.8 DRAM clocks per accelerator cycle (24/5)
  CHECK(dram.dram_edge_at(1) == 5);       // cycle 1 starts at 4.8 clocks: next edge 5
  CHECK(dram.dram_edge_at(5) == 24);      // an exact edge is taken as is
  CHECK(dram.accel_cycle_containing(5) == 1);   // 5 / 4.8 = 1.04
  CHECK(dram.accel_cycle_containing(24) == 5);  // edge 24 is the start of cycle 5
  CHECK(dram.accel_cycle_ending(24) == 4);      // data ending at 24 is done within cycle 4
  CHECK(dram.accel_cycle_ending(25) == 5);
}

TEST_CASE("DDR4 bad calls are refused") {
  Ddr4Timing dram(round_spec(), kSameClockMhz);
  dram.access(false, 10, 0, 64);
  CHECK_THROWS_AS(dram.access(false, 9, 0, 64), std::logic_error);  // arrivals out of order
  CHECK_THROWS_AS(dram.access(false, 10, 4000, 200), std::invalid_argument);  // crosses 4 KiB
  CHECK_THROWS_AS(dram.access(false, 10, 0, 0), std::invalid_argument);
  CHECK_THROWS_AS(dram.access(false, 10, 0, 4097), std::invalid_argument);
  CHECK_NOTHROW(dram.access(false, 10, 4096 - 64, 64));  // equal arrivals are in order

  Ddr4Spec bad = round_spec();
  bad.burst_length = 4;
  CHECK_THROWS_AS(Ddr4Timing(bad, kSameClockMhz), std::invalid_argument);
  bad = round_spec();
  bad.trfc = bad.trefi;
  CHECK_THROWS_AS(Ddr4Timing(bad, kSameClockMhz), std::invalid_argument);
  bad = round_spec();
  bad.address_map[0] = AddressField::column;
  bad.address_map[1] = AddressField::offset;
  CHECK_THROWS_AS(Ddr4Timing(bad, kSameClockMhz), std::invalid_argument);
}

TEST_CASE("DDR4 stats count requests, commands, row outcomes and turnarounds") {
  Ddr4Timing dram(round_spec(), kSameClockMhz);
  // 100 bytes from offset 20 (bytes 20..119) touch two BL8 blocks, 0..63 and 64..127, each a
  // whole BL8: WR miss (ACT), WR hit.
  dram.access(true, 0, at(0, 0, 0, 0) + 20, 100);
  dram.access(false, 0, at(0, 0, 0, 0), 64);   // RD hit, after a WR: write-to-read
  dram.access(false, 0, at(0, 0, 1, 0), 64);   // RD conflict: PRE, ACT
  dram.access(true, 0, at(1, 0, 0, 0), 64);    // WR miss in bank group 1: read-to-write
  const Ddr4Stats& st = dram.stats();
  CHECK(st.write_requests == 2);
  CHECK(st.read_requests == 2);
  CHECK(st.bytes_written == 164);
  CHECK(st.bytes_read == 128);
  CHECK(st.writes == 3);
  CHECK(st.reads == 2);
  CHECK(st.row_hits == 2);
  CHECK(st.row_misses == 2);
  CHECK(st.row_conflicts == 1);
  CHECK(st.activates == 3);
  CHECK(st.precharges == 1);
  CHECK(st.write_to_read == 1);
  CHECK(st.read_to_write == 1);
  CHECK(st.refreshes == 0);
  CHECK(st.precharge_alls == 0);
}
