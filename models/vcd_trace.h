#pragma once
// A VCD writer for the accelerator's visible state, with a cycle window and a layer filter so
// that a whole network does not produce gigabytes. Signals are plain values set by the
// modules; a change is one comparison when tracing is off. A value may be set up to one cycle
// late (the DRAM reports a cycle's commands at the next edge): the writer keeps the current
// cycle's changes until the clock moves on.
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "models/vcd_merge.h"

namespace shiftsim::models {

enum class Sig : int {
  cycle, layer, tile, step, pe_busy, pe_stall, dma_rd_busy, dma_wr_busy,
  // cycle mode: bytes in the buffer half last filled, and which side holds each half (bit h
  // set: the consumer, the compute unit for input and weights, the store unit for output)
  in_buf_fill, w_buf_fill, out_buf_fill, in_buf_owner, w_buf_owner, out_buf_owner,
  ppu_busy,
  // cycle mode: the compute unit's pipeline and the handshakes (bit h: the toggle of half h)
  pe_inflight, acc_write, hazard, preload, in_filled, in_freed, out_filled, out_freed,
  pe_stage_valid,  // bit i: pipeline stage i + 1 holds an issue
  dma_rd_outstanding, dma_wr_outstanding,  // bursts in flight in each engine
  // the recurrent unit (lstm/gru passes): the time step, the step operation in progress (its
  // index in the step's program, plus 1), and which of its units are busy
  rnn_step, rnn_op, mvm_busy, act_busy, ew_busy,
  // DDR4: commands issued in the cycle, and each bank's open row (kClosedRow: none)
  dram_act, dram_rd, dram_wr, dram_pre, dram_ref, dram_bank_row0,
  count = dram_bank_row0 + 16
};
constexpr uint32_t kTraceBanks = 16;     // banks the trace has signals for
constexpr uint64_t kClosedRow = ~0ull;   // shown as x

struct TraceOptions {
  std::string path;               // empty: no trace; the caller moves it into place
  // The RTL compute unit's own signals (pe_array.impl rtl), written by Verilator; the machine
  // merges them into `path` at the end (models/vcd_merge.h). Set by the machine, not the user.
  std::string rtl_path;
  int64_t layer = -1;             // only this network layer (index), -1: all
  uint64_t from_cycle = 0;        // window [from, to)
  uint64_t to_cycle = UINT64_MAX;
  bool clock = false;             // write the clock (cycle mode)
  uint32_t dram_banks = 0;        // DDR4 banks to show (0: no DRAM command signals)
};

class VcdTrace {
 public:
  VcdTrace(const TraceOptions& opt, uint64_t period_ps);
  ~VcdTrace();
  bool on() const { return out_.is_open(); }
  const std::string& rtl_path() const { return opt_.rtl_path; }
  uint64_t period_ps() const { return period_ps_; }
  // Whether `cycle`, now being simulated, may fall in a window the trace shows: a superset of
  // the windows, known before the writer reaches the cycle (the RTL's own trace is written only
  // then, so that a window of a long run does not first write the whole run).
  bool may_show(uint64_t cycle) const {
    return on() && cycle >= opt_.from_cycle && cycle <= opt_.to_cycle &&
           (opt_.layer < 0 || int64_t(latest_[int(Sig::layer)]) == opt_.layer);
  }
  // The spans of time the written trace shows, each from its $dumpvars to its last timestamp
  // (complete once finish() has run).
  const std::vector<VcdWindow>& windows() const { return windows_; }

  void set(Sig s, uint64_t value, uint64_t cycle) {
    if (latest_[int(s)] == value) return;
    latest_[int(s)] = value;
    if (on()) record(s, value, cycle);
  }
  void set_layer(int64_t layer, uint64_t cycle);
  // Cycle mode: called every clock so the clock and the cycle counter show every cycle.
  void tick(uint64_t cycle) {
    if (on() && cycle > 0) flush(cycle - 1);
  }
  // Writes the final cycle count and closes the file (a trace never finished is removed).
  void finish(uint64_t total_cycles);

 private:
  struct Change {
    uint64_t cycle;
    Sig sig;
    uint64_t value;
  };
  void record(Sig s, uint64_t value, uint64_t cycle);
  // Writes every change up to `cycle` and moves the writer there.
  void flush(uint64_t cycle);
  void write(const Change& c);
  void advance(uint64_t cycle);
  bool visible(uint64_t cycle) const;
  bool declared(int s) const;
  void emit(int s);

  TraceOptions opt_;
  uint64_t period_ps_;
  std::ofstream out_;
  std::vector<uint64_t> latest_;  // the last value set, to drop repeats
  std::vector<uint64_t> shown_;   // the values as of the writer's cycle
  std::vector<Change> pending_;   // not yet written, in cycle order
  std::vector<VcdWindow> windows_;
  bool started_ = false;          // the writer has written a cycle
  int64_t layer_ = -1;
  bool header_done_ = false;
  bool in_window_ = false;
  uint64_t last_cycle_ = 0;
};

}  // namespace shiftsim::models
