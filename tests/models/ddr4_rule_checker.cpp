#include "tests/models/ddr4_rule_checker.h"

#include <algorithm>
#include <cstdint>

namespace shiftsim::models {

// An independent check of a command log (sorted by cycle) against docs/MEMORY.md's rules,
// written from JESD79-4's definitions rather than from the model's bookkeeping: returns the
// first violation, or "" when there is none.
std::string first_violation(std::vector<Ddr4Command> log, const Ddr4Spec& s) {
  std::stable_sort(log.begin(), log.end(), [](const Ddr4Command& a, const Ddr4Command& b) {
    return a.dram_cycle < b.dram_cycle;
  });
  const int64_t never = -1'000'000'000;
  const int64_t half = s.burst_length / 2;
  struct BankState {
    bool open = false;
    uint32_t row = 0;
    int64_t act = -1'000'000'000, pre = -1'000'000'000, rd = -1'000'000'000,
            wr = -1'000'000'000;
  };
  std::vector<BankState> banks(s.banks());
  std::vector<int64_t> group_act(s.bank_groups, never), group_col(s.bank_groups, never),
      group_wr(s.bank_groups, never);
  std::vector<int64_t> acts;  // every ACT, for tFAW
  int64_t last = never, last_rd = never, last_ref = never, last_prea = never;
  uint64_t refs = 0;
  for (const Ddr4Command& c : log) {
    const auto t = static_cast<int64_t>(c.dram_cycle);
    const std::string at_cycle = std::string(ddr4_command_name(c.kind)) + "@" + std::to_string(t);
    if (t <= last) return at_cycle + ": two commands in one clock";
    last = t;
    if (c.kind != Ddr4CommandKind::ref && c.kind != Ddr4CommandKind::prea &&
        refs < c.dram_cycle / s.trefi)
      return at_cycle + ": issued while a refresh was overdue";
    BankState& b = banks[c.bank_group * s.banks_per_group + c.bank];
    const uint32_t g = c.bank_group;
    auto too_early = [&](int64_t since, int64_t gap, const char* rule) {
      return t < since + gap ? at_cycle + ": violates " + rule : std::string();
    };
    std::string v;
    auto first = [&](std::initializer_list<std::string> checks) {
      for (const std::string& x : checks)
        if (!x.empty()) return x;
      return std::string();
    };
    switch (c.kind) {
      case Ddr4CommandKind::act: {
        if (b.open) return at_cycle + ": ACT to an open bank";
        v = first({too_early(b.pre, s.trp, "tRP"), too_early(last_prea, s.trp, "tRP (PREA)"),
                   too_early(b.act, s.trc, "tRC"), too_early(last_ref, s.trfc, "tRFC"),
                   acts.size() >= 4 ? too_early(acts[acts.size() - 4], s.tfaw, "tFAW") : ""});
        for (uint32_t h = 0; h < s.bank_groups && v.empty(); ++h)
          v = too_early(group_act[h], h == g ? s.trrd_l : s.trrd_s, h == g ? "tRRD_L" : "tRRD_S");
        if (!v.empty()) return v;
        b.open = true;
        b.row = c.row;
        b.act = group_act[g] = t;
        acts.push_back(t);
        break;
      }
      case Ddr4CommandKind::pre:
      case Ddr4CommandKind::prea: {
        for (uint32_t i = 0; i < banks.size(); ++i) {
          BankState& x = banks[i];
          if (c.kind == Ddr4CommandKind::pre && &x != &b) continue;
          if (!x.open) {
            if (c.kind == Ddr4CommandKind::pre) return at_cycle + ": PRE to a closed bank";
            continue;
          }
          v = first({too_early(x.act, s.tras, "tRAS"), too_early(x.rd, s.trtp, "tRTP"),
                     too_early(x.wr, s.cwl + half + s.twr, "tWR")});
          if (!v.empty()) return v;
          x.open = false;
          x.pre = t;
        }
        if (c.kind == Ddr4CommandKind::prea) last_prea = t;
        break;
      }
      case Ddr4CommandKind::ref: {
        for (const BankState& x : banks) {
          if (x.open) return at_cycle + ": REF with a bank open";
          v = too_early(x.pre, s.trp, "tRP before REF");
          if (!v.empty()) return v;
        }
        v = first({too_early(last_prea, s.trp, "tRP before REF"),
                   too_early(last_ref, s.trfc, "tRFC")});
        if (!v.empty()) return v;
        ++refs;
        if (c.dram_cycle < refs * s.trefi) return at_cycle + ": refresh before its due time";
        last_ref = t;
        break;
      }
      case Ddr4CommandKind::rd:
      case Ddr4CommandKind::wr: {
        const bool write = c.kind == Ddr4CommandKind::wr;
        if (!b.open || b.row != c.row) return at_cycle + ": column command to a row not open";
        v = too_early(b.act, s.trcd, "tRCD");
        for (uint32_t h = 0; h < s.bank_groups && v.empty(); ++h) {
          v = too_early(group_col[h], h == g ? s.tccd_l : s.tccd_s, h == g ? "tCCD_L" : "tCCD_S");
          if (v.empty() && !write)
            v = too_early(group_wr[h], s.cwl + half + (h == g ? s.twtr_l : s.twtr_s),
                          h == g ? "tWTR_L" : "tWTR_S");
        }
        if (v.empty() && write)
          v = too_early(last_rd, int64_t(s.cl) + half + 2 - int64_t(s.cwl), "read-to-write");
        if (!v.empty()) return v;
        group_col[g] = t;
        if (write) {
          b.wr = group_wr[g] = t;
        } else {
          b.rd = last_rd = t;
        }
        break;
      }
    }
  }
  return "";
}

}  // namespace shiftsim::models
