#include "models/memory/ddr4_timing.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

// The rules below are docs/MEMORY.md's, section by section; its numbering is quoted where a
// rule is applied.

namespace shiftsim::models {

namespace {

using u128 = unsigned __int128;

// 2^62 DRAM cycles is over a century at 1.2 GHz, and adding any timing parameter to a time
// below it cannot overflow an int64.
constexpr uint64_t kMaxTime = uint64_t{1} << 62;

bool is_pow2(uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }

uint32_t log2_of(uint64_t x) {
  uint32_t n = 0;
  while ((x >> n) > 1) ++n;
  return n;
}

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("Ddr4Timing: " + what);
}

void check_spec(const Ddr4Spec& s) {
  require(std::isfinite(s.tck_ns) && s.tck_ns > 0, "tck_ns must be > 0");
  require(s.burst_length == 8, "only BL8 is modelled (burst_length 8)");
  require(s.ranks == 1, "only one rank is modelled");
  require(is_pow2(s.bus_bytes), "bus_bytes must be a power of two");
  require(is_pow2(s.bank_groups) && is_pow2(s.banks_per_group),
          "bank_groups and banks_per_group must be powers of two");
  require(is_pow2(s.rows) && is_pow2(s.columns), "rows and columns must be powers of two");
  require(s.columns >= s.burst_length, "a row must hold at least one burst (columns >= 8)");
  require(s.cl >= 1 && s.cwl >= 1 && s.trcd >= 1, "CL, CWL and tRCD must be >= 1");
  // Shorter would overlap two bursts' data on the bus.
  require(s.tccd_s >= s.data_cycles() && s.tccd_l >= s.data_cycles(),
          "tCCD_S and tCCD_L must be >= BL/2");
  require(s.trefi >= 1 && s.trfc < s.trefi, "tRFC must be shorter than tREFI");
  std::array<int, 5> seen{};
  for (AddressField f : s.address_map) ++seen[static_cast<int>(f)];
  require(std::all_of(seen.begin(), seen.end(), [](int n) { return n == 1; }),
          "address_map must list each field once");
  require(s.address_map[0] == AddressField::offset, "address_map must start with offset");
}

uint64_t to_khz(double mhz) { return static_cast<uint64_t>(std::llround(mhz * 1e3)); }

// The first cycle at or after t that `taken` (sorted, distinct) does not hold.
int64_t first_free(int64_t t, const std::vector<int64_t>& taken, size_t head) {
  auto it = std::lower_bound(taken.begin() + static_cast<std::ptrdiff_t>(head), taken.end(), t);
  while (it != taken.end() && *it == t) {
    ++t;
    ++it;
  }
  return t;
}

bool is_column(Ddr4CommandKind k) { return k == Ddr4CommandKind::rd || k == Ddr4CommandKind::wr; }

}  // namespace

const char* ddr4_command_name(Ddr4CommandKind kind) {
  switch (kind) {
    case Ddr4CommandKind::act: return "ACT";
    case Ddr4CommandKind::rd: return "RD";
    case Ddr4CommandKind::wr: return "WR";
    case Ddr4CommandKind::pre: return "PRE";
    case Ddr4CommandKind::prea: return "PREA";
    case Ddr4CommandKind::ref: return "REF";
  }
  return "?";
}

Ddr4Timing::Ddr4Timing(const Ddr4Spec& spec, double accel_clock_mhz) : spec_(spec) {
  check_spec(spec);
  require(std::isfinite(accel_clock_mhz) && accel_clock_mhz >= 0.001,
          "the accelerator clock must be >= 1 kHz");
  const uint64_t f_dram = to_khz(1e3 / spec.tck_ns);
  const uint64_t f_accel = to_khz(accel_clock_mhz);
  require(f_dram >= 1, "the DRAM clock must be >= 1 kHz");
  const uint64_t g = std::gcd(f_dram, f_accel);
  dram_per_accel_num_ = f_dram / g;
  dram_per_accel_den_ = f_accel / g;

  field_bits_[static_cast<int>(AddressField::offset)] = log2_of(spec.access_bytes());
  field_bits_[static_cast<int>(AddressField::column)] = log2_of(spec.columns / spec.burst_length);
  field_bits_[static_cast<int>(AddressField::bank_group)] = log2_of(spec.bank_groups);
  field_bits_[static_cast<int>(AddressField::bank)] = log2_of(spec.banks_per_group);
  field_bits_[static_cast<int>(AddressField::row)] = log2_of(spec.rows);
  // Each field's place in the address, from the bits of the fields below it in the map.
  uint32_t at = 0;
  for (AddressField f : spec.address_map) {
    const auto i = static_cast<int>(f);
    field_shift_[i] = at;
    field_mask_[i] = (uint64_t{1} << field_bits_[i]) - 1;
    at += field_bits_[i];
  }

  banks_.assign(spec.banks(), Bank{});
  last_act_.assign(spec.bank_groups, kNever);
  last_col_.assign(spec.bank_groups, kNever);
  last_write_end_.assign(spec.bank_groups, kNever);
  long_at_least_short_ = spec.trrd_l >= spec.trrd_s && spec.tccd_l >= spec.tccd_s && spec.twtr_l >= spec.twtr_s;
  faw_.fill(kNever);
}

// ---- clock domains (docs/MEMORY.md §2) ----

// The ratios are small (DDR4-2400 at 200 MHz: 6/1), so the products fit 64 bits for any cycle
// a run reaches; the 128-bit forms (a division by a runtime divisor through a library call)
// are only the fallback. Both give the same integers.
uint64_t Ddr4Timing::dram_edge_at(uint64_t accel_cycle) const {
  uint64_t scaled64;
  if (!__builtin_mul_overflow(accel_cycle, dram_per_accel_num_, &scaled64) &&
      scaled64 <= UINT64_MAX - dram_per_accel_den_) {
    const uint64_t edge = dram_per_accel_den_ == 1 ? scaled64 : (scaled64 + dram_per_accel_den_ - 1) / dram_per_accel_den_;
    if (edge > kMaxTime) throw std::out_of_range("Ddr4Timing: cycle beyond the model's range");
    return edge;
  }
  const u128 scaled = u128(accel_cycle) * dram_per_accel_num_;
  const u128 edge = (scaled + dram_per_accel_den_ - 1) / dram_per_accel_den_;
  if (edge > kMaxTime) throw std::out_of_range("Ddr4Timing: cycle beyond the model's range");
  return static_cast<uint64_t>(edge);
}

uint64_t Ddr4Timing::accel_cycle_containing(uint64_t dram_edge) const {
  uint64_t scaled64;
  if (!__builtin_mul_overflow(dram_edge, dram_per_accel_den_, &scaled64))
    return dram_per_accel_num_ == 1 ? scaled64 : scaled64 / dram_per_accel_num_;
  return static_cast<uint64_t>(u128(dram_edge) * dram_per_accel_den_ / dram_per_accel_num_);
}

uint64_t Ddr4Timing::accel_cycle_ending(uint64_t dram_edge) const {
  if (dram_edge == 0) return 0;
  uint64_t scaled64;
  if (!__builtin_mul_overflow(dram_edge, dram_per_accel_den_, &scaled64) &&
      scaled64 <= UINT64_MAX - dram_per_accel_num_)
    return (dram_per_accel_num_ == 1 ? scaled64 : (scaled64 + dram_per_accel_num_ - 1) / dram_per_accel_num_) - 1;
  const u128 scaled = u128(dram_edge) * dram_per_accel_den_;
  return static_cast<uint64_t>((scaled + dram_per_accel_num_ - 1) / dram_per_accel_num_) - 1;
}

// ---- address map (docs/MEMORY.md §4) ----

Ddr4Location Ddr4Timing::decode(uint64_t addr) const {
  Ddr4Location loc;
  loc.column = static_cast<uint32_t>((addr >> field_shift_[1]) & field_mask_[1]);
  loc.bank_group = static_cast<uint32_t>((addr >> field_shift_[2]) & field_mask_[2]);
  loc.bank = static_cast<uint32_t>((addr >> field_shift_[3]) & field_mask_[3]);
  loc.row = static_cast<uint32_t>((addr >> field_shift_[4]) & field_mask_[4]);
  return loc;
}

// ---- requests (docs/MEMORY.md §3) ----

void Ddr4Timing::set_arrival(uint64_t cycle) {
  if (cycle < last_arrival_)
    throw std::logic_error("Ddr4Timing: requests must arrive in order: cycle " +
                           std::to_string(cycle) + " after cycle " +
                           std::to_string(last_arrival_));
  arrival_edge_ = static_cast<Time>(dram_edge_at(cycle));
  last_arrival_ = cycle;
}

Ddr4Timing::Access Ddr4Timing::access(bool write, uint64_t arrival_cycle, uint64_t addr,
                                      uint32_t bytes) {
  if (bytes == 0 || bytes > 4096)
    throw std::invalid_argument("Ddr4Timing: a burst has 1 to 4096 bytes, found " +
                                std::to_string(bytes));
  if (addr % 4096 + bytes > 4096)
    throw std::invalid_argument("Ddr4Timing: a burst must not cross a 4 KiB boundary (address " +
                                std::to_string(addr) + ", " + std::to_string(bytes) + " bytes)");
  set_arrival(arrival_cycle);

  const uint64_t unit = spec_.access_bytes();
  const uint64_t first_unit = addr & ~(unit - 1);  // a power of two (check_spec)
  const Time first_column = serve(write, decode(first_unit));
  Time last_column = first_column;
  Ddr4Location last = decode(first_unit);
  const Ddr4CommandKind column = write ? Ddr4CommandKind::wr : Ddr4CommandKind::rd;
  for (uint64_t a = first_unit + unit; a < addr + bytes; a += unit) {
    const Ddr4Location loc = decode(a);
    // A row streak: the bank is open on this row (the last unit's column command was the last
    // command placed, so nothing closed it), and with long_at_least_short_ every bound of
    // earliest() but the ones that command set lies at or before it: the next column command
    // goes tCCD_L after it (tCCD_L >= tCCD_S >= BL/2 >= 1). A refresh due by then takes the
    // general rule.
    const Time streak = last_column + Time(spec_.tccd_l);
    if (row_streaks_ && long_at_least_short_ && loc.bank_group == last.bank_group && loc.bank == last.bank &&
        loc.row == last.row && streak < refresh_due()) {
      ++stats_.row_hits;
      issue(column, streak, loc);
      last_column = streak;
    } else {
      last_column = serve(write, loc);
    }
    last = loc;
  }

  if (write) {
    ++stats_.write_requests;
    stats_.bytes_written += bytes;
  } else {
    ++stats_.read_requests;
    stats_.bytes_read += bytes;
  }
  const Time latency = write ? spec_.cwl : spec_.cl;
  return {accel_cycle_containing(static_cast<uint64_t>(first_column + latency)),
          accel_cycle_ending(static_cast<uint64_t>(last_column + latency + spec_.data_cycles()))};
}

void Ddr4Timing::advance_to(uint64_t cycle) {
  set_arrival(cycle);
  while (refresh_due() <= arrival_edge_) refresh();
}

Ddr4Timing::Time Ddr4Timing::serve(bool write, const Ddr4Location& loc) {
  const Ddr4CommandKind column = write ? Ddr4CommandKind::wr : Ddr4CommandKind::rd;
  bool first = true;
  for (;;) {
    const Bank& b = bank(loc);
    const Ddr4CommandKind kind = !b.open            ? Ddr4CommandKind::act
                                 : b.row == loc.row ? column
                                                    : Ddr4CommandKind::pre;
    const Time t = earliest(kind, loc);
    // §5: a refresh due at d goes before any command that would issue at or after d.
    if (t >= refresh_due()) {
      refresh();
      continue;
    }
    if (first) {
      ++(kind == column ? stats_.row_hits
         : kind == Ddr4CommandKind::act ? stats_.row_misses
                                        : stats_.row_conflicts);
      first = false;
    }
    issue(kind, t, loc);
    if (kind == column) return t;
  }
}

// §3.3: every constraint as a lower bound on the command's cycle. One command bus: a row
// command also skips the cycles of column commands already placed. A column command never
// meets a row command placed before it: those belong to this or an earlier access, whose
// ACT precedes its RD/WR by tRCD >= 1, or they are a refresh, after which an ACT comes first.
Ddr4Timing::Time Ddr4Timing::earliest(Ddr4CommandKind kind, const Ddr4Location& loc) const {
  const Bank& b = banks_[loc.bank_group * spec_.banks_per_group + loc.bank];
  const uint32_t g = loc.bank_group;
  const uint32_t groups = spec_.bank_groups;
  switch (kind) {
    case Ddr4CommandKind::pre: {
      const Time t = std::max({arrival_edge_, last_row_cmd_ + 1, b.pre_ready});
      return first_free(t, col_cmd_cycles_, col_cmd_head_);
    }
    case Ddr4CommandKind::act: {
      Time t = std::max({arrival_edge_, last_row_cmd_ + 1, b.act_ready, faw_[faw_next_] + spec_.tfaw});
      if (long_at_least_short_)  // the loop below in closed form (see long_at_least_short_)
        t = std::max({t, last_act_any_ + spec_.trrd_s, last_act_[g] + spec_.trrd_l});
      else
        for (uint32_t h = 0; h < groups; ++h)
          t = std::max(t, last_act_[h] + (h == g ? spec_.trrd_l : spec_.trrd_s));
      return first_free(t, col_cmd_cycles_, col_cmd_head_);
    }
    case Ddr4CommandKind::rd: {
      Time t = std::max({arrival_edge_, last_col_cmd_ + 1, b.col_ready});
      if (long_at_least_short_)
        return std::max({t, last_col_cmd_ + spec_.tccd_s, last_col_[g] + spec_.tccd_l,
                         last_write_end_any_ + spec_.twtr_s, last_write_end_[g] + spec_.twtr_l});
      for (uint32_t h = 0; h < groups; ++h) {
        t = std::max(t, last_col_[h] + (h == g ? spec_.tccd_l : spec_.tccd_s));
        t = std::max(t, last_write_end_[h] + (h == g ? spec_.twtr_l : spec_.twtr_s));
      }
      return t;
    }
    case Ddr4CommandKind::wr: {
      // JESD79-4 read-to-write: RL + BL/2 - WL + 2 nCK (AL = PL = 0, 1 nCK preambles).
      const Time read_to_write = Time(spec_.cl) + spec_.data_cycles() + 2 - Time(spec_.cwl);
      Time t = std::max({arrival_edge_, last_col_cmd_ + 1, b.col_ready, last_read_ + read_to_write});
      if (long_at_least_short_)
        return std::max({t, last_col_cmd_ + spec_.tccd_s, last_col_[g] + spec_.tccd_l});
      for (uint32_t h = 0; h < groups; ++h)
        t = std::max(t, last_col_[h] + (h == g ? spec_.tccd_l : spec_.tccd_s));
      return t;
    }
    case Ddr4CommandKind::prea:
    case Ddr4CommandKind::ref: break;
  }
  throw std::logic_error("Ddr4Timing: PREA and REF are placed by refresh()");
}

void Ddr4Timing::issue(Ddr4CommandKind kind, Time t, const Ddr4Location& loc) {
  Bank& b = bank(loc);
  const uint32_t g = loc.bank_group;
  uint32_t logged_row = b.row;
  switch (kind) {
    case Ddr4CommandKind::act:
      b.open = true;
      b.row = logged_row = loc.row;
      b.col_ready = t + spec_.trcd;
      b.pre_ready = std::max(b.pre_ready, t + spec_.tras);
      b.act_ready = std::max(b.act_ready, t + spec_.trc);
      last_act_[g] = t;
      last_act_any_ = t;
      faw_[faw_next_] = t;
      faw_next_ = (faw_next_ + 1) % faw_.size();
      ++stats_.activates;
      break;
    case Ddr4CommandKind::pre:
      b.open = false;
      b.act_ready = std::max(b.act_ready, t + spec_.trp);
      ++stats_.precharges;
      break;
    case Ddr4CommandKind::rd:
      b.pre_ready = std::max(b.pre_ready, t + spec_.trtp);
      last_read_ = t;
      if (last_column_ == Column::write) ++stats_.write_to_read;
      last_column_ = Column::read;
      ++stats_.reads;
      break;
    case Ddr4CommandKind::wr: {
      const Time data_end = t + spec_.cwl + spec_.data_cycles();
      b.pre_ready = std::max(b.pre_ready, data_end + spec_.twr);
      last_write_end_[g] = data_end;
      last_write_end_any_ = data_end;
      if (last_column_ == Column::read) ++stats_.read_to_write;
      last_column_ = Column::write;
      ++stats_.writes;
      break;
    }
    case Ddr4CommandKind::prea:
    case Ddr4CommandKind::ref:
      throw std::logic_error("Ddr4Timing: PREA and REF are placed by refresh()");
  }
  if (is_column(kind)) {
    last_col_[g] = t;
    last_col_cmd_ = t;
    col_cmd_cycles_.push_back(t);
  } else {
    last_row_cmd_ = t;
  }
  // The next row command issues no earlier than max(arrival, last row command + 1): column
  // cycles below that can no longer collide with one.
  const Time row_floor = std::max(arrival_edge_, last_row_cmd_ + 1);
  while (col_cmd_head_ < col_cmd_cycles_.size() && col_cmd_cycles_[col_cmd_head_] < row_floor)
    ++col_cmd_head_;
  // Drop the passed cycles now and then (not each call): the vector keeps its capacity.
  if (col_cmd_head_ == col_cmd_cycles_.size()) {
    col_cmd_cycles_.clear();
    col_cmd_head_ = 0;
  } else if (col_cmd_head_ >= 64 && 2 * col_cmd_head_ >= col_cmd_cycles_.size()) {
    col_cmd_cycles_.erase(col_cmd_cycles_.begin(), col_cmd_cycles_.begin() + static_cast<std::ptrdiff_t>(col_cmd_head_));
    col_cmd_head_ = 0;
  }
  record(kind, t, loc.bank_group, loc.bank, logged_row);
}

// ---- refresh (docs/MEMORY.md §5) ----

void Ddr4Timing::refresh() {
  // Every command placed so far issues before this refresh's due time (serve() refreshes
  // before any command at or after it), so PREA and REF follow all of them.
  Time t = std::max({refresh_due(), last_row_cmd_ + 1, last_col_cmd_ + 1});
  bool any_open = false;
  for (const Bank& b : banks_) {
    if (!b.open) continue;
    any_open = true;
    t = std::max(t, b.pre_ready);
  }
  if (any_open) {
    for (Bank& b : banks_) {
      if (!b.open) continue;
      b.open = false;
      b.act_ready = std::max(b.act_ready, t + spec_.trp);
    }
    ++stats_.precharge_alls;
    place_rank_command(Ddr4CommandKind::prea, t);
    ++t;
  }
  for (const Bank& b : banks_) t = std::max(t, b.act_ready);
  for (Bank& b : banks_) b.act_ready = t + spec_.trfc;
  ++stats_.refreshes;
  ++next_refresh_;
  place_rank_command(Ddr4CommandKind::ref, t);
  if (!log_) skip_idle_refreshes();
}

// Right after a REF, every bank closed. When the banks are ready by the next refresh's due
// time, that REF goes out exactly then, and so does every later one (tRFC < tREFI): all those
// due by the current arrival are counted at once.
void Ddr4Timing::skip_idle_refreshes() {
  const uint64_t last_due = static_cast<uint64_t>(arrival_edge_) / spec_.trefi;
  if (last_due < next_refresh_) return;
  Time ready = last_row_cmd_ + 1;
  for (const Bank& b : banks_) ready = std::max(ready, b.act_ready);
  if (ready > refresh_due()) return;  // late: serve() places it by the general rule
  const auto last_ref = static_cast<Time>(last_due * spec_.trefi);
  for (Bank& b : banks_) b.act_ready = last_ref + spec_.trfc;
  stats_.refreshes += last_due - next_refresh_ + 1;
  next_refresh_ = last_due + 1;
  last_row_cmd_ = last_ref;
}

void Ddr4Timing::place_rank_command(Ddr4CommandKind kind, Time t) {
  last_row_cmd_ = t;
  record(kind, t, 0, 0, 0);
}

void Ddr4Timing::record(Ddr4CommandKind kind, Time t, uint32_t bank_group, uint32_t bank,
                        uint32_t row) {
  if (!log_) return;
  const auto cycle = static_cast<uint64_t>(t);
  log_->push_back({cycle, accel_cycle_containing(cycle), kind, bank_group, bank, row});
}

}  // namespace shiftsim::models
