#pragma once
// The test-only DDR4 parts the DDR4 tests share.
#include "models/memory/ddr4_spec.h"

namespace shiftsim::models {

// tCK = 1 ns. tRC is longer than tRAS + tRP here, unlike JEDEC parts, so that a trace can show
// which of them binds.
inline Ddr4Spec round_spec() {
  Ddr4Spec s;
  s.tck_ns = 1.0;
  s.burst_length = 8;
  s.bus_bytes = 8;
  s.bank_groups = 2;
  s.banks_per_group = 4;
  s.rows = 1024;
  s.columns = 1024;  // 128 BL8 positions, 8 KiB per row
  s.cl = 10;
  s.cwl = 8;
  s.trcd = 10;
  s.trp = 10;
  s.tras = 24;
  s.trc = 36;
  s.trrd_s = 4;
  s.trrd_l = 6;
  s.tfaw = 30;
  s.twr = 12;
  s.twtr_s = 2;
  s.twtr_l = 6;
  s.trtp = 6;
  s.tccd_s = 4;
  s.tccd_l = 6;
  s.trefi = 5000;
  s.trfc = 100;
  return s;
}
constexpr double kSameClockMhz = 1000.0;  // = 1 / tCK: one DRAM cycle per accelerator cycle

// The same part with the bank group just above the offset: consecutive 64-byte blocks
// alternate bank groups.
inline Ddr4Spec interleaved_spec() {
  Ddr4Spec s = round_spec();
  s.address_map = {AddressField::offset, AddressField::bank_group, AddressField::column,
                   AddressField::bank, AddressField::row};
  return s;
}

}  // namespace shiftsim::models
