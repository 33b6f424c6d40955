#include "models/pe_array/rtl_compute_unit.h"

#include <algorithm>
#include <bitset>

namespace shiftsim::models {

RtlComputeUnit::RtlComputeUnit(sc_core::sc_module_name name, UnitEnv& env, const RtlShapeEntry& shape)
    : ComputeUnitPorts(name), env_(env), shape_(shape.shape), core_(shape.make(basename())) {
  core_->bind(clk, in_filled, out_freed);
  const uint32_t k2 = shape_.kernel * shape_.kernel;
  window_.assign(size_t(shape_.vector) * k2, 0);
  word_.assign(shape_.vector, 0);
  bank_row_.assign(k2, 0);
  bank_col_.assign(k2, 0);
  wpiece_.assign(size_t(shape_.lanes) * shape_.vector * k2, 0);
  lanes_.assign(shape_.lanes, 0);
  SC_HAS_PROCESS(RtlComputeUnit);
  SC_METHOD(run);
  sensitive << clk.pos() << layer;
  dont_initialize();
}

// The RTL's own VCD, which the machine merges into its own at the end (docs/RTL.md, "VCD"):
// written only at the times the machine's trace may show.
void RtlComputeUnit::start_of_simulation() {
  if (env_.trace.rtl_path().empty()) return;
  const VcdTrace& trace = env_.trace;
  core_->trace(trace.rtl_path(), [&trace](uint64_t ps) { return trace.may_show(ps / trace.period_ps()); });
}

// At a rising edge the RTL's registers move in the edge's first delta; its outputs are seen one
// delta later, still in the same cycle, which is when this unit acts on them: a buffer port is
// used in the cycle the RTL asks, as the native unit uses it in the cycle it decides.
void RtlComputeUnit::run() {
  if (clk.posedge() && !edge_pending_) {
    edge_pending_ = true;
    next_trigger(sc_core::SC_ZERO_TIME);
    return;
  }
  if (edge_pending_) {
    edge_pending_ = false;
    cycle();
  }
  check_layer();
}

void RtlComputeUnit::check_layer() {
  const LayerRegister l = layer.read();
  if (l.seq == job_.seq) return;
  job_ = l;
  const Descriptor& d = job_->desc;
  const LayerPlan& plan = job_->plan;
  conv_ = d.op == Op::conv;
  if (plan.steps.empty()) {
    // Nothing for the array in this pass (a recurrent pass: the recurrent unit drives its own
    // matrix-vector unit, models/recurrent/). The RTL is not started, as the native unit does not
    // run: a layer of no steps would never reach the last retire that ends the RTL's layer.
    passes_.emplace_back();
    return;
  }
  RtlLayerIn in;
  go_ = !go_;
  in.go = go_;
  in.conv = conv_;
  in.n_steps = uint32_t(plan.steps.size());
  const uint32_t k = shape_.kernel;
  in.kp = conv_ ? (d.kernel + k - 1) / k : 1;
  in.pieces = in.kp * in.kp;
  in.kern = d.kernel;
  in.stride = d.stride;
  in.stride_q = d.stride / k;
  in.stride_m = d.stride % k;
  core_->set_layer(in);
  step_tile_.assign(plan.steps.size(), 0);
  if (conv_)
    for (uint32_t t = 0; t < plan.tiles.size(); ++t)
      for (uint32_t s = 0; s < plan.tiles[t].steps; ++s) step_tile_[plan.tiles[t].first_step + s] = t;
  core_->set_step(step_record(0));
}

RtlStepIn RtlComputeUnit::step_record(uint32_t s) const {
  RtlStepIn r;
  if (!job_.job || s >= job_->plan.steps.size()) return r;
  const LayerPlan& plan = job_->plan;
  const Descriptor& d = job_->desc;
  const TilePlan& tile = plan.tiles[conv_ ? step_tile_[s] : s];
  r.ncol = std::max(1u, tile.ncol);
  r.last_layer = s + 1 == plan.steps.size();
  if (conv_) {
    r.issues = tile.nr * tile.ncol;
    r.first = s == tile.first_step;
    r.last = s + 1 == tile.first_step + tile.steps;
  } else {
    // Pooling reads K^2 window elements per output, element-wise one (vector_datapath.h).
    r.issues = tile.nr * tile.ncol * (d.op == Op::eltwise ? 1 : d.kernel * d.kernel);
    r.first = r.last = true;
  }
  return r;
}

void RtlComputeUnit::cycle() {
  if (!reset_done_) {  // the RTL's registers are cleared by the first edge
    reset_done_ = true;
    core_->reset(false);
  }
  const RtlOut o = core_->outputs();
  if (!o.active) {
    was_active_ = false;
    return;
  }
  if (!was_active_) {
    passes_.emplace_back();
    step_issues_ = 0;
  }
  was_active_ = true;
  // 1. The accumulate stage: its entries go back to the output buffer.
  env_.mark(Sig::acc_write, o.ret_v ? 1 : 0);
  if (o.ret_v) {
    if (o.ret_conv) {
      core_->sums(lanes_.data());
      output->accumulate(o.ret_half, o.ret_pixel, lanes_.data(), true);
    }
    if (o.ret_last_tile) env_.mark(Sig::out_filled, o.out_filled[0] | (o.out_filled[1] << 1));
  }
  // 2. The issue, 3. the preload, 4. the entry read, then the step record for the new pointer.
  if (o.iss_v) issue(o);
  if (o.pre_v) preload(o);
  if (o.rd_v) read_entries(o);
  core_->set_step(step_record(o.s_ptr));
  // 5. The RTL's handshake toggles, now that this cycle's buffer accesses are done.
  for (int h = 0; h < 2; ++h) {
    in_freed[h].write(o.in_freed[h]);
    out_filled[h].write(o.out_filled[h]);
  }
  mark(o);
}

void RtlComputeUnit::issue(const RtlOut& o) {
  const LayerPlan& plan = job_->plan;
  const uint32_t half = o.iss_half, s = o.iss_step;
  if (conv_) {
    const TilePlan& tile = plan.tiles[step_tile_[s]];
    if (o.iss_tile_start) {  // the tile's accumulators, and its bias beside them for the PPU
      out_half_[half] = &output->start_tile(half, tile.mc, tile.nr * tile.ncol, weights->contents(s % 2).bias);
      out_mc_[half] = tile.mc;
      out_pixels_[half] = tile.nr * tile.ncol;
      env_.activity.bias_registers(tile.mc, passes_.back().actions);
    }
    // The window generator's read: each bank's raw word at the address the RTL gives (one
    // access of the port for the whole window); the RTL rotates them and masks the extent.
    const uint32_t nc = plan.steps[s].nc, k = shape_.kernel, k2 = k * k;
    std::fill(window_.begin(), window_.end(), int16_t(0));
    core_->bank_addresses(bank_row_.data(), bank_col_.data());
    input->start_bank_read(s % 2);
    for (uint32_t q = 0; q < k2; ++q) {
      input->read_bank_word(s % 2, q / k, q % k, bank_row_[q], bank_col_[q], nc, word_.data());
      for (uint32_t n = 0; n < nc; ++n) window_[size_t(n) * k2 + q] = word_[n];
    }
    core_->set_bank_words(window_.data());
    ++step_issues_;
    if (o.iss_step_end) {
      env_.activity.conv_issues(double(step_issues_), tile.mc, nc, passes_.back().actions);
      step_issues_ = 0;
    }
  } else {
    const TilePlan& tile = plan.tiles[s];
    if (o.iss_tile_start) {
      OutputHalf& out = output->start_tile(half, tile.mc, tile.nr * tile.ncol, {});
      vector_.begin(job_->desc, tile, input->contents(half), out);
      env_.activity.vector_tile(job_->desc, tile, passes_.back().actions);
    }
    vector_.cycle(o.iss_pixel);
  }
  if (o.iss_step_end) env_.mark(Sig::in_freed, o.in_freed[0] | (o.in_freed[1] << 1));
}

// One piece of the whole array: lane m, element n, position (a, b) of piece (py, px); positions
// beyond the kernel, channels beyond the block and lanes beyond the tile hold zero.
void RtlComputeUnit::preload(const RtlOut& o) {
  const WeightHalf& wh = weights->contents(o.pre_step % 2);
  const uint32_t K = job_->desc.kernel, k = shape_.kernel, kp = (K + k - 1) / k;
  if (o.pre_piece == 0) job_->layout->unpack(wh.block.data(), wh.mc, wh.nc, fields_);
  const uint32_t py = o.pre_piece / kp, px = o.pre_piece % kp;
  std::fill(wpiece_.begin(), wpiece_.end(), int16_t(0));
  for (uint32_t m = 0; m < wh.mc; ++m)
    for (uint32_t n = 0; n < wh.nc; ++n)
      for (uint32_t a = 0; a < k; ++a)
        for (uint32_t b = 0; b < k; ++b) {
          const uint32_t ky = py * k + a, kx = px * k + b;
          if (ky >= K || kx >= K) continue;
          wpiece_[((size_t(m) * shape_.vector + n) * k + a) * k + b] =
              int16_t(fields_[((size_t(m) * wh.nc + n) * K + ky) * K + kx]);
        }
  core_->set_weights(wpiece_.data());
  env_.activity.weight_preload(wh.mc, wh.nc, passes_.back().actions);
}

// The accumulate stage's read of the pixel's entries (output_read_latency before its write).
void RtlComputeUnit::read_entries(const RtlOut& o) {
  const OutputHalf* h = out_half_[o.rd_half];
  std::fill(lanes_.begin(), lanes_.end(), 0);
  for (uint32_t m = 0; m < out_mc_[o.rd_half]; ++m) lanes_[m] = h->acc[size_t(m) * out_pixels_[o.rd_half] + o.rd_pixel];
  core_->set_entries(lanes_.data());
}

void RtlComputeUnit::mark(const RtlOut& o) {
  LayerStats& st = passes_.back().stats;
  const uint32_t inflight = uint32_t(std::bitset<32>(o.stage_valid).count());
  if (o.iss_v || o.pre_v || inflight > 0) env_.progress();
  if (o.busy)
    ++st.compute_cycles;
  else
    ++st.stall_cycles;
  env_.mark(Sig::pe_busy, o.busy ? 1 : 0);
  env_.mark(Sig::pe_stall, o.busy ? 0 : 1);
  env_.mark(Sig::pe_inflight, inflight);
  if (env_.trace.on()) env_.mark(Sig::pe_stage_valid, o.stage_valid);
  env_.mark(Sig::hazard, o.hazard ? 1 : 0);
  env_.mark(Sig::preload, o.pre_v ? 1 : 0);
  env_.mark(Sig::step, o.s_ptr);
  env_.mark(Sig::tile, o.t_ptr);
}

}  // namespace shiftsim::models
