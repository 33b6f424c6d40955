#include "models/vcd_trace.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <stdexcept>

namespace shiftsim::models {

namespace {
struct SigInfo {
  const char* scope;  // the module the signal belongs to
  const char* name;
  int width;
};
const SigInfo kSigs[] = {{"accelerator", "cycle", 64},        {"controller", "layer", 16},
                         {"compute_unit", "tile", 32},        {"compute_unit", "step", 32},
                         {"compute_unit", "pe_busy", 1},      {"compute_unit", "pe_stall", 1},
                         {"load_unit", "dma_rd_busy", 1},     {"store_unit", "dma_wr_busy", 1},
                         {"input_buffer", "in_buf_fill", 32}, {"weight_buffer", "w_buf_fill", 32},
                         {"output_buffer", "out_buf_fill", 32},
                         {"input_buffer", "in_buf_compute_owns", 2}, {"weight_buffer", "w_buf_compute_owns", 2},
                         {"output_buffer", "out_buf_store_owns", 2},
                         {"store_unit", "ppu_busy", 1},
                         {"compute_unit", "pe_inflight", 8},  {"compute_unit", "acc_write", 1},
                         {"compute_unit", "hazard", 1},       {"compute_unit", "preload", 1},
                         {"load_unit", "in_filled", 2},       {"compute_unit", "in_freed", 2},
                         {"compute_unit", "out_filled", 2},   {"store_unit", "out_freed", 2},
                         {"compute_unit", "pe_stage_valid", 32},
                         {"load_unit", "dma_rd_outstanding", 8}, {"store_unit", "dma_wr_outstanding", 8},
                         {"recurrent_unit", "time_step", 32}, {"recurrent_unit", "step_op", 8},
                         {"recurrent_unit", "mvm_busy", 1}, {"recurrent_unit", "activation_busy", 1},
                         {"recurrent_unit", "elementwise_busy", 1},
                         {"dram", "act", 4}, {"dram", "rd", 4}, {"dram", "wr", 4}, {"dram", "pre", 4},
                         {"dram", "ref", 4},
                         {"dram", "bank0_row", 20}, {"dram", "bank1_row", 20}, {"dram", "bank2_row", 20},
                         {"dram", "bank3_row", 20}, {"dram", "bank4_row", 20}, {"dram", "bank5_row", 20},
                         {"dram", "bank6_row", 20}, {"dram", "bank7_row", 20}, {"dram", "bank8_row", 20},
                         {"dram", "bank9_row", 20}, {"dram", "bank10_row", 20}, {"dram", "bank11_row", 20},
                         {"dram", "bank12_row", 20}, {"dram", "bank13_row", 20}, {"dram", "bank14_row", 20},
                         {"dram", "bank15_row", 20}};
static_assert(sizeof(kSigs) / sizeof(kSigs[0]) == size_t(Sig::count), "one entry per signal");
static_assert(int(Sig::count) - int(Sig::dram_bank_row0) == int(kTraceBanks), "one row signal per bank");

// '!' is the clock; then one or two printable characters
std::string id_of(int i) {
  constexpr int kChars = 126 - '#' + 1;
  return i < kChars ? std::string(1, char('#' + i)) : std::string{char('#' + i / kChars - 1), char('#' + i % kChars)};
}
}  // namespace

VcdTrace::VcdTrace(const TraceOptions& opt, uint64_t period_ps)
    : opt_(opt), period_ps_(period_ps), latest_(size_t(Sig::count), 0),
      shown_(size_t(Sig::count), 0) {
  for (uint32_t b = 0; b < kTraceBanks; ++b)
    latest_[size_t(Sig::dram_bank_row0) + b] = shown_[size_t(Sig::dram_bank_row0) + b] = kClosedRow;
  if (opt_.path.empty()) return;
  out_.open(opt_.path, std::ios::binary | std::ios::trunc);
  if (!out_) throw std::runtime_error(opt_.path + ": cannot write the VCD trace");
  out_ << "$date shiftsim $end\n$version shiftsim VCD 1 $end\n$timescale 1ps $end\n"
       << "$scope module accelerator $end\n";
  if (opt_.clock) out_ << "$var wire 1 ! clk $end\n";
  // One scope per module, in the order the modules first appear in the table.
  std::vector<std::string> scopes;
  for (int i = 0; i < int(Sig::count); ++i)
    if (declared(i) && std::find(scopes.begin(), scopes.end(), kSigs[i].scope) == scopes.end())
      scopes.push_back(kSigs[i].scope);
  for (const std::string& scope : scopes) {
    const bool top = scope == "accelerator";
    if (!top) out_ << "$scope module " << scope << " $end\n";
    for (int i = 0; i < int(Sig::count); ++i)
      if (declared(i) && scope == kSigs[i].scope)
        out_ << "$var wire " << kSigs[i].width << ' ' << id_of(i) << ' ' << kSigs[i].name << " $end\n";
    if (!top) out_ << "$upscope $end\n";
  }
  out_ << "$upscope $end\n$enddefinitions $end\n";
}

VcdTrace::~VcdTrace() {
  if (out_.is_open()) {  // not finished: the run failed, leave nothing behind
    out_.close();
    std::remove(opt_.path.c_str());
  }
}

bool VcdTrace::declared(int s) const {
  if (s >= int(Sig::dram_bank_row0)) return uint32_t(s - int(Sig::dram_bank_row0)) < opt_.dram_banks;
  if (s >= int(Sig::dram_act)) return opt_.dram_banks > 0;
  return true;
}

bool VcdTrace::visible(uint64_t cycle) const {
  return cycle >= opt_.from_cycle && cycle < opt_.to_cycle &&
         (opt_.layer < 0 || opt_.layer == layer_);
}

void VcdTrace::emit(int s) {
  if (!declared(s)) return;
  const uint64_t v = shown_[size_t(s)];
  if (v == kClosedRow) {
    out_ << "bx " << id_of(s) << '\n';
    return;
  }
  if (kSigs[s].width == 1) {
    out_ << (v ? '1' : '0') << id_of(s) << '\n';
    return;
  }
  char bits[65];
  int n = 0;
  for (int b = kSigs[s].width - 1; b >= 0; --b)
    if (n || ((v >> b) & 1) || b == 0) bits[n++] = char('0' + ((v >> b) & 1));
  bits[n] = 0;
  out_ << 'b' << bits << ' ' << id_of(s) << '\n';
}

void VcdTrace::advance(uint64_t cycle) {
  const bool vis = visible(cycle);
  if (!vis) {
    in_window_ = false;
    last_cycle_ = cycle;
    return;
  }
  shown_[int(Sig::cycle)] = cycle;
  if (!in_window_) {  // entering the window: a full snapshot
    windows_.push_back({cycle * period_ps_, cycle * period_ps_ + 1});
    out_ << '#' << cycle * period_ps_ << "\n$dumpvars\n";
    if (opt_.clock) out_ << "1!\n";
    for (int i = 0; i < int(Sig::count); ++i) emit(i);
    out_ << "$end\n";
    in_window_ = true;
    last_cycle_ = cycle;
    return;
  }
  if (cycle == last_cycle_) return;
  windows_.back().end_ps = cycle * period_ps_ + 1;
  if (opt_.clock) {
    for (uint64_t k = last_cycle_; k < cycle; ++k)
      out_ << '#' << k * period_ps_ + period_ps_ / 2 << "\n0!\n#" << (k + 1) * period_ps_
           << "\n1!\n";
  } else {
    out_ << '#' << cycle * period_ps_ << '\n';
  }
  emit(int(Sig::cycle));
  last_cycle_ = cycle;
}

void VcdTrace::record(Sig s, uint64_t value, uint64_t cycle) {
  const Change c{cycle, s, value};
  if (started_ && cycle <= last_cycle_) {  // the writer is already there
    if (cycle < last_cycle_)
      throw std::logic_error("VCD: a change more than a cycle late (" + std::string(kSigs[int(s)].name) + ")");
    write(c);
    return;
  }
  // Mostly in order: a change a cycle late goes before the current cycle's.
  auto at = pending_.end();
  while (at != pending_.begin() && (at - 1)->cycle > cycle) --at;
  pending_.insert(at, c);
}

void VcdTrace::write(const Change& c) {
  shown_[size_t(c.sig)] = c.value;
  if (c.sig == Sig::layer) layer_ = int64_t(c.value);
  const bool was_in = in_window_ && started_;
  advance(c.cycle);
  started_ = true;
  if (in_window_ && was_in) emit(int(c.sig));
}

void VcdTrace::flush(uint64_t cycle) {
  size_t n = 0;
  while (n < pending_.size() && pending_[n].cycle <= cycle) write(pending_[n++]);
  pending_.erase(pending_.begin(), pending_.begin() + long(n));
  if (!started_ || cycle > last_cycle_) {
    advance(cycle);
    started_ = true;
  }
}

void VcdTrace::set_layer(int64_t layer, uint64_t cycle) { set(Sig::layer, uint64_t(layer), cycle); }

void VcdTrace::finish(uint64_t total_cycles) {
  if (!on()) return;
  for (const Change& c : pending_) write(c);
  pending_.clear();
  if (visible(total_cycles) || in_window_) {
    if (!in_window_) advance(total_cycles);
    if (in_window_ && total_cycles > last_cycle_) {
      if (opt_.clock)
        for (uint64_t k = last_cycle_; k < total_cycles; ++k)
          out_ << '#' << k * period_ps_ + period_ps_ / 2 << "\n0!\n#" << (k + 1) * period_ps_
               << "\n1!\n";
      else
        out_ << '#' << total_cycles * period_ps_ << '\n';
    }
    shown_[int(Sig::cycle)] = total_cycles;
    emit(int(Sig::cycle));
    windows_.back().end_ps = std::max(windows_.back().end_ps, total_cycles * period_ps_ + 1);
  }
  out_.close();
}

}  // namespace shiftsim::models
