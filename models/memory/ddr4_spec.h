#pragma once
// One DDR4 channel as the timing model sees it: the clock, the geometry and the JEDEC timing
// parameters in DRAM clock cycles (nCK), and how a physical address splits into bank group,
// bank, row and column (docs/MEMORY.md). Plain data; sim/memory_config.* fills it from
// configs/memory/*.json, where every figure carries its source.
#include <array>
#include <cmath>
#include <cstdint>
#include <tuple>

namespace shiftsim::models {

// The parts of a physical address, from the least significant bit up in Ddr4Spec::address_map.
enum class AddressField { offset, column, bank_group, bank, row };

inline const char* address_field_name(AddressField f) {
  switch (f) {
    case AddressField::offset: return "offset";
    case AddressField::column: return "column";
    case AddressField::bank_group: return "bank_group";
    case AddressField::bank: return "bank";
    case AddressField::row: return "row";
  }
  return "?";
}

struct Ddr4Spec {
  // DRAM clock period (DDR4-2400: 2000 / 2400 ns). The timing model rounds the clock frequency
  // to whole kHz, so a period written as 2000.0 / data rate converts exactly.
  double tck_ns = 0;

  // Geometry. Counts of banks, rows and columns are powers of two (they are address fields).
  uint32_t burst_length = 8;   // BL8 only: every column command moves 8 beats
  uint32_t bus_bytes = 8;      // data bus width (8: a 64-bit channel)
  uint32_t bank_groups = 0;    // x16 parts: 2; x4/x8: 4
  uint32_t banks_per_group = 0;
  uint32_t ranks = 1;          // the model covers one rank
  uint32_t rows = 0;           // per bank
  uint32_t columns = 0;        // per row, each bus_bytes wide (so a row holds columns*bus_bytes)

  // Timing parameters, in nCK (JESD79-4 names; AL = 0, PL = 0, 1 nCK preambles, no CRC/DBI).
  uint32_t cl = 0;       // CL: RD to first read data
  uint32_t cwl = 0;      // CWL: WR to first write data
  uint32_t trcd = 0;     // ACT to RD/WR, same bank
  uint32_t trp = 0;      // PRE (or PREA) to ACT (or REF)
  uint32_t tras = 0;     // ACT to PRE, same bank
  uint32_t trc = 0;      // ACT to ACT, same bank
  uint32_t trrd_s = 0;   // ACT to ACT, different bank group
  uint32_t trrd_l = 0;   // ACT to ACT, same bank group
  uint32_t tfaw = 0;     // window holding at most four ACTs
  uint32_t twr = 0;      // end of write data to PRE, same bank
  uint32_t twtr_s = 0;   // end of write data to RD, different bank group
  uint32_t twtr_l = 0;   // end of write data to RD, same bank group
  uint32_t trtp = 0;     // RD to PRE, same bank
  uint32_t tccd_s = 0;   // RD/WR to RD/WR, different bank group
  uint32_t tccd_l = 0;   // RD/WR to RD/WR, same bank group
  uint32_t trefi = 0;    // refresh interval: a REF is due every tREFI
  uint32_t trfc = 0;     // REF to the next ACT or REF

  // Address fields from bit 0 up. offset is log2(bus_bytes * burst_length) bits (the bytes of
  // one BL8 access) and must come first; the others take log2 of their counts (column:
  // columns / burst_length BL8 positions per row). Bits above the last field are ignored.
  std::array<AddressField, 5> address_map = {AddressField::offset, AddressField::column,
                                             AddressField::bank_group, AddressField::bank,
                                             AddressField::row};

  uint32_t banks() const { return bank_groups * banks_per_group; }
  uint32_t access_bytes() const { return bus_bytes * burst_length; }  // one BL8: 64 B on 64 bits
  uint32_t data_cycles() const { return burst_length / 2; }            // BL/2: double data rate

  auto fields() const {
    return std::tie(tck_ns, burst_length, bus_bytes, bank_groups, banks_per_group, ranks, rows,
                    columns, cl, cwl, trcd, trp, tras, trc, trrd_s, trrd_l, tfaw, twr, twtr_s,
                    twtr_l, trtp, tccd_s, tccd_l, trefi, trfc, address_map);
  }
  bool operator==(const Ddr4Spec& o) const { return fields() == o.fields(); }
};

// A time in ns as nCK: rounded up, with an allowance of 0.025 nCK so that a value that is a
// whole number of clocks in exact arithmetic (30 ns at tCK 0.8333 ns = 36 nCK) is not pushed
// to the next clock by a decimal tCK or floating-point error. JEDEC's DDR4 SPD rounding
// algorithm (JESD21-C Annex L) uses the same 2.5% allowance, in integer picoseconds (not
// re-checked against the standard's text here).
inline uint32_t ns_to_nck(double ns, double tck_ns) {
  const double n = std::ceil(ns / tck_ns - 0.025);
  return n <= 0 ? 0 : static_cast<uint32_t>(n);
}

}  // namespace shiftsim::models
