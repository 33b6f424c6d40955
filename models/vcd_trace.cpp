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
                         {"buffers", "in_buf_fill", 32},      {"buffers", "w_buf_fill", 32},
                         {"buffers", "out_buf_fill", 32},     {"store_unit", "ppu_busy", 1},
                         {"compute_unit", "pe_inflight", 8},  {"compute_unit", "acc_write", 1},
                         {"compute_unit", "hazard", 1},       {"compute_unit", "preload", 1},
                         {"load_unit", "in_filled", 2},       {"compute_unit", "in_freed", 2},
                         {"compute_unit", "out_filled", 2},   {"store_unit", "out_freed", 2},
                         {"compute_unit", "pe_stage_valid", 32},
                         {"load_unit", "dma_rd_outstanding", 8}, {"store_unit", "dma_wr_outstanding", 8}};
static_assert(sizeof(kSigs) / sizeof(kSigs[0]) == size_t(Sig::count), "one entry per signal");

std::string id_of(int i) { return std::string(1, char('#' + i)); }  // '!' is the clock
}  // namespace

VcdTrace::VcdTrace(const TraceOptions& opt, uint64_t period_ps)
    : opt_(opt), period_ps_(period_ps), values_(size_t(Sig::count), 0) {
  if (opt_.path.empty()) return;
  out_.open(opt_.path, std::ios::binary | std::ios::trunc);
  if (!out_) throw std::runtime_error(opt_.path + ": cannot write the VCD trace");
  out_ << "$date shiftsim $end\n$version shiftsim VCD 1 $end\n$timescale 1ps $end\n"
       << "$scope module accelerator $end\n";
  if (opt_.clock) out_ << "$var wire 1 ! clk $end\n";
  // One scope per module, in the order the modules first appear in the table.
  std::vector<std::string> scopes;
  for (const SigInfo& s : kSigs)
    if (std::find(scopes.begin(), scopes.end(), s.scope) == scopes.end()) scopes.push_back(s.scope);
  for (const std::string& scope : scopes) {
    const bool top = scope == "accelerator";
    if (!top) out_ << "$scope module " << scope << " $end\n";
    for (int i = 0; i < int(Sig::count); ++i)
      if (scope == kSigs[i].scope)
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

bool VcdTrace::visible(uint64_t cycle) const {
  return cycle >= opt_.from_cycle && cycle < opt_.to_cycle &&
         (opt_.layer < 0 || opt_.layer == layer_);
}

void VcdTrace::emit(int s) {
  const uint64_t v = values_[size_t(s)];
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
  values_[int(Sig::cycle)] = cycle;
  if (!in_window_) {  // entering the window: a full snapshot
    out_ << '#' << cycle * period_ps_ << "\n$dumpvars\n";
    if (opt_.clock) out_ << "1!\n";
    for (int i = 0; i < int(Sig::count); ++i) emit(i);
    out_ << "$end\n";
    in_window_ = true;
    last_cycle_ = cycle;
    return;
  }
  if (cycle == last_cycle_) return;
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

void VcdTrace::record(Sig s, uint64_t cycle) {
  const bool was_in = in_window_;
  advance(cycle);
  if (in_window_ && was_in) emit(int(s));
}

void VcdTrace::set_layer(int64_t layer, uint64_t cycle) {
  layer_ = layer;
  set(Sig::layer, uint64_t(layer), cycle);
  if (on()) advance(cycle);
}

void VcdTrace::finish(uint64_t total_cycles) {
  if (!on()) return;
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
    values_[int(Sig::cycle)] = total_cycles;
    emit(int(Sig::cycle));
  }
  out_.close();
}

}  // namespace shiftsim::models
