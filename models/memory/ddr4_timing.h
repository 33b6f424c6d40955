#pragma once
// The timing of one DDR4 channel behind an FCFS, open-page memory controller, in plain C++ (no
// SystemC), so that both simulation modes share it (docs/MEMORY.md is the contract).
//
// Event-driven: access() places the commands one AXI burst needs at the earliest DRAM cycles
// the JEDEC constraints allow, given everything placed before it; nothing ticks per clock, so
// a call costs the same however long the memory sat idle (refreshes that fell into an idle gap
// are accounted in closed form).
//
// Two clocks: the model works in DRAM clock cycles (nCK) and converts at its interface.
//  - A request arriving in accelerator cycle t is seen at the first DRAM clock edge at or after
//    the start of cycle t: ceil(t * f_dram / f_accel).
//  - Data placed on the bus from DRAM edge s to edge e occupies accelerator cycles
//    floor(s * f_accel / f_dram) ... ceil(e * f_accel / f_dram) - 1 (every accelerator cycle it
//    overlaps); the data can be used from the cycle after the last of them.
// Both frequencies are rounded to whole kHz and the conversion is exact integer arithmetic.
#include <array>
#include <cstdint>
#include <vector>

#include "models/memory/ddr4_spec.h"

namespace shiftsim::models {

// Where one BL8 access lands. column counts BL8 positions within the row (0 .. columns/BL - 1).
struct Ddr4Location {
  uint32_t bank_group = 0, bank = 0, row = 0, column = 0;
};

enum class Ddr4CommandKind { act, rd, wr, pre, prea, ref };
const char* ddr4_command_name(Ddr4CommandKind kind);  // "ACT", "RD", ...

struct Ddr4Command {
  uint64_t dram_cycle = 0;   // the DRAM clock edge the command is issued on
  uint64_t accel_cycle = 0;  // the accelerator cycle containing that edge
  Ddr4CommandKind kind = Ddr4CommandKind::act;
  // ACT: the row opened; RD/WR: the open row; PRE: the row closed; PREA and REF: all 0.
  uint32_t bank_group = 0, bank = 0, row = 0;
};

struct Ddr4Stats {
  uint64_t read_requests = 0, write_requests = 0;  // access() calls (AXI bursts)
  uint64_t bytes_read = 0, bytes_written = 0;      // bytes the requests asked for
  uint64_t reads = 0, writes = 0;                  // RD / WR commands, 64 bytes (BL8) each
  // Per BL8 access, by the first command issued for it: RD/WR a hit, ACT a miss (bank
  // closed), PRE a conflict (another row open). A refresh before that first command closes the
  // banks, so the access then counts as a miss.
  uint64_t row_hits = 0, row_misses = 0, row_conflicts = 0;
  uint64_t activates = 0, precharges = 0;  // ACT, PRE (one bank)
  uint64_t precharge_alls = 0, refreshes = 0;  // PREA before a REF (omitted when all closed), REF
  uint64_t read_to_write = 0, write_to_read = 0;  // column commands that turned the data bus
};

class Ddr4Timing {
 public:
  // In accelerator cycles (see the conversion rule above).
  struct Access {
    uint64_t first_data = 0;  // the cycle the first data beat is on the bus
    uint64_t last_data = 0;   // the last cycle data is on the bus: all transferred after it
  };

  // Throws std::invalid_argument when the spec is not one the model covers (docs/MEMORY.md:
  // BL8, one rank, power-of-two geometry, offset lowest in the address map, tRFC < tREFI, ...).
  Ddr4Timing(const Ddr4Spec& spec, double accel_clock_mhz);

  // One AXI burst of `bytes` (1 .. 4096, not crossing a 4 KiB boundary, any alignment)
  // reaching the controller in accelerator cycle `arrival_cycle`. Arrivals must not decrease
  // from call to call (std::logic_error otherwise); bad sizes are std::invalid_argument.
  Access access(bool write, uint64_t arrival_cycle, uint64_t addr, uint32_t bytes);

  // Performs every refresh due by the start of accelerator cycle `cycle`, so that stats count
  // the refreshes of a whole run; later arrivals must be at or after `cycle`.
  void advance_to(uint64_t cycle);

  // Appends every command placed from now on to *log (nullptr: stop), in the order the
  // controller decides them: a row command placed ahead of earlier column commands comes after
  // them in the log (sort by dram_cycle for a timeline). While logging, idle-gap refreshes are
  // placed one by one instead of in closed form.
  void log_to(std::vector<Ddr4Command>* log) { log_ = log; }

  // Consecutive BL8 units of one burst in the row just served take the closed form of their
  // column command's cycle (see access()); false places every unit by the general rule, for
  // the test that both agree.
  void use_row_streaks(bool on) { row_streaks_ = on; }

  const Ddr4Stats& stats() const { return stats_; }
  const Ddr4Spec& spec() const { return spec_; }
  Ddr4Location decode(uint64_t addr) const;

  // The clock-domain conversion, public for callers that trace both domains.
  uint64_t dram_edge_at(uint64_t accel_cycle) const;        // ceil(t * f_dram / f_accel)
  uint64_t accel_cycle_containing(uint64_t dram_edge) const;  // floor(n * f_accel / f_dram)
  uint64_t accel_cycle_ending(uint64_t dram_edge) const;    // ceil(n * f_accel / f_dram) - 1

 private:
  using Time = int64_t;  // DRAM cycles; kNever before anything happened
  static constexpr Time kNever = INT64_MIN / 4;

  struct Bank {
    bool open = false;
    uint32_t row = 0;
    Time act_ready = 0;  // earliest ACT (tRP, tRC, tRFC) and earliest REF
    Time col_ready = 0;  // earliest RD/WR (tRCD)
    Time pre_ready = 0;  // earliest PRE (tRAS, tRTP, write recovery)
  };
  enum class Column { none, read, write };

  // Places the commands of one BL8 access; returns its RD/WR cycle.
  Time serve(bool write, const Ddr4Location& loc);
  Time earliest(Ddr4CommandKind kind, const Ddr4Location& loc) const;
  void issue(Ddr4CommandKind kind, Time t, const Ddr4Location& loc);
  // The next refresh, due at next_refresh_ * tREFI: PREA (if a bank is open), then REF.
  void refresh();
  void skip_idle_refreshes();
  Time refresh_due() const { return static_cast<Time>(next_refresh_ * spec_.trefi); }
  void place_rank_command(Ddr4CommandKind kind, Time t);  // PREA, REF
  Bank& bank(const Ddr4Location& loc) {
    return banks_[loc.bank_group * spec_.banks_per_group + loc.bank];
  }
  void record(Ddr4CommandKind kind, Time t, uint32_t bank_group, uint32_t bank, uint32_t row);
  void set_arrival(uint64_t cycle);

  Ddr4Spec spec_;
  uint64_t dram_per_accel_num_ = 1, dram_per_accel_den_ = 1;  // f_dram / f_accel, reduced
  std::array<uint32_t, 5> field_bits_{};                      // per AddressField
  std::array<uint32_t, 5> field_shift_{};                     // its lowest bit in an address
  std::array<uint64_t, 5> field_mask_{};                      // its value's mask, after the shift

  std::vector<Bank> banks_;
  std::vector<Time> last_act_;        // per bank group
  std::vector<Time> last_col_;        // per bank group, RD or WR
  std::vector<Time> last_write_end_;  // per bank group: end of the last WR's data
  // The latest of each over all bank groups. ACTs issue in order (row commands do), and so do
  // RD/WR: the latest is the last one placed (last_col_cmd_ for RD/WR). With the same-group
  // (_L) distances at least the other-group (_S) ones, as JEDEC's always are, the loop over
  // bank groups in earliest() is max(latest + _S, this group's + _L): long_at_least_short_.
  Time last_act_any_ = kNever, last_write_end_any_ = kNever;
  bool long_at_least_short_ = false;
  std::array<Time, 4> faw_{};         // the last four ACTs, oldest at faw_next_
  size_t faw_next_ = 0;
  Time last_read_ = kNever;
  Column last_column_ = Column::none;
  // Row commands (PRE, ACT, PREA, REF) issue in order, and so do column commands (RD, WR);
  // a row command may go ahead of column commands already placed, but not onto their cycles
  // (one command bus), so the column cycles it could still meet are kept.
  Time last_row_cmd_ = kNever, last_col_cmd_ = kNever;
  // Sorted; the entries from col_cmd_head_ on are the live ones (a vector, not a deque: no
  // allocation per command).
  std::vector<Time> col_cmd_cycles_;
  size_t col_cmd_head_ = 0;
  uint64_t next_refresh_ = 1;  // refresh k is due at k * tREFI
  uint64_t last_arrival_ = 0;
  Time arrival_edge_ = 0;  // DRAM edge of the request being served

  Ddr4Stats stats_;
  std::vector<Ddr4Command>* log_ = nullptr;
  bool row_streaks_ = true;
};

}  // namespace shiftsim::models
