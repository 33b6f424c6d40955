#include "models/pe_array/compute_unit.h"

#include <algorithm>

#include "models/int_math.h"

namespace shiftsim::models {

ComputeUnitPorts::ComputeUnitPorts(sc_core::sc_module_name name)
    : sc_module(name), clk("clk"), layer("layer"), in_filled("in_filled", 2), in_freed("in_freed", 2),
      out_filled("out_filled", 2), out_freed("out_freed", 2), input("input"), weights("weights"),
      output("output") {}

ComputeUnit::ComputeUnit(sc_core::sc_module_name name, UnitEnv& env)
    : ComputeUnitPorts(name), env_(env), array_(make_pe_array(env.arch)) {
  SC_HAS_PROCESS(ComputeUnit);
  SC_METHOD(tick);
  sensitive << clk.pos();
  dont_initialize();
}

void ComputeUnit::start_layer() {
  const ArchSpec& a = env_.arch;
  job_ = layer.read();
  passes_.emplace_back();
  step_issues_ = 0;
  const Descriptor& d = job_->desc;
  conv_ = d.op == Op::conv;
  const uint32_t in_latency = input->read_latency(), out_latency = output->read_latency();
  if (conv_) {
    // The window's read, the product registers and the adder tree, then the accumulate stage
    // whose entry read (issued output_read_latency cycles before it) overlaps the tree.
    const uint32_t k = a.pe_array.kernel;
    const uint32_t tree = clog2(uint64_t(a.pe_array.vector) * k * k);
    depth_ = in_latency + std::max(a.pe_array.product_stages + tree, out_latency) + 1;
    hazard_ = out_latency + 1;
    preload_cycles_ = weights->read_latency() + 1;
    kp_ = (d.kernel + k - 1) / k;
    pieces_ = kp_ * kp_;
    array_->configure_layer(d);  // the weight code's per-layer registers (SVPE sign offsets)
  } else {
    depth_ = in_latency + 1;  // the element's read, then the lane's combine and write
    hazard_ = preload_cycles_ = 1;
    kp_ = pieces_ = 1;
  }
  ring_.assign(depth_, Slot{});
  for (Slot& s : ring_) s.sums.assign(a.pe_array.lanes, 0);
  inflight_ = 0;
  s_ = j_ = px_ = t_ = 0;
  i_ = 0;
  ps_ = pj_ = 0;
  shadow_full_ = false;
  preload_busy_ = false;
  running_ = !job_->plan.steps.empty();  // a recurrent pass has no steps here (models/recurrent/)
}

void ComputeUnit::tick() {
  if (sleeping_) {  // woken between edges: resume on the next edge, as a register would see it
    sleeping_ = false;
    next_trigger();
    return;
  }
  const uint64_t now = env_.clock.now();
  if (!running_) {
    if (layer.read().seq == job_.seq) {  // idle: sleep until the controller publishes a layer
      sleeping_ = true;
      next_trigger(layer.value_changed_event());
      return;
    }
    start_layer();
    if (!running_) return;  // nothing for the array in this pass
  }
  const bool was_busy = inflight_ > 0 || (preload_busy_ && now <= preload_busy_until_);
  retire(now);
  const bool issued = conv_ ? issue_conv(now) : issue_vector(now);
  const bool preloaded = conv_ && preload(now);
  LayerStats& st = passes_.back().stats;
  if (issued || preloaded || inflight_ > 0) env_.progress();
  if (was_busy || issued || preloaded)
    ++st.compute_cycles;
  else
    ++st.stall_cycles;
  env_.mark(Sig::pe_busy, (was_busy || issued || preloaded) ? 1 : 0);
  env_.mark(Sig::pe_stall, (was_busy || issued || preloaded) ? 0 : 1);
  env_.mark(Sig::pe_inflight, inflight_);
  if (env_.trace.on()) env_.mark(Sig::pe_stage_valid, stage_valid_bits(now));
  env_.mark(Sig::hazard, hazard_wait_ ? 1 : 0);
  env_.mark(Sig::preload, preloaded ? 1 : 0);
  env_.mark(Sig::step, s_);
  env_.mark(Sig::tile, t_);
  hazard_wait_ = false;
}

// Bit i set: pipeline stage i + 1 holds an issue in cycle `now` (the issue of cycle now - i).
uint64_t ComputeUnit::stage_valid_bits(uint64_t now) const {
  uint64_t bits = 0;
  for (uint32_t i = 0; i < depth_ && i <= now && i < 32; ++i) {
    const Slot& s = ring_[(now - i) % depth_];
    if (s.valid && s.cycle == now - i) bits |= uint64_t(1) << i;
  }
  return bits;
}

void ComputeUnit::retire(uint64_t now) {
  Slot& r = ring_[(now + 1) % depth_];  // the issue of cycle now - D + 1
  if (!r.valid || r.cycle + depth_ - 1 != now) {
    env_.mark(Sig::acc_write, 0);
    return;
  }
  r.valid = false;
  --inflight_;
  env_.mark(Sig::acc_write, 1);
  if (conv_) output->accumulate(r.half, r.pixel, r.sums.data(), r.first);
  if (r.last_of_tile) {
    out_filled_state_[r.half] = !out_filled_state_[r.half];
    out_filled[r.half].write(out_filled_state_[r.half]);
    env_.mark(Sig::out_filled, out_filled_state_[0] | (out_filled_state_[1] << 1));
  }
  if (r.last_of_layer) running_ = false;
}

void ComputeUnit::push(uint64_t now, uint32_t half, uint32_t pixel, bool first, bool last_of_tile) {
  Slot& s = ring_[now % depth_];
  s.valid = true;
  s.cycle = now;
  s.half = half;
  s.pixel = pixel;
  s.first = first;
  s.last_of_tile = last_of_tile;
  s.last_of_layer = last_of_tile && t_ + 1 == job_->plan.tiles.size();
  ++inflight_;
}

void ComputeUnit::finish_step(uint32_t step) {
  const uint32_t h = step % 2;
  if (conv_) {
    env_.activity.conv_issues(double(step_issues_), job_->plan.tiles[t_].mc, job_->plan.steps[step].nc,
                              passes_.back().actions);
    step_issues_ = 0;
  }
  in_freed_state_[h] = !in_freed_state_[h];
  in_freed[h].write(in_freed_state_[h]);
  env_.mark(Sig::in_freed, in_freed_state_[0] | (in_freed_state_[1] << 1));
}

// The window generator: piece `piece` of the kernel at tile pixel `pixel`, from the banks.
void ComputeUnit::gather_window(uint32_t step, uint32_t piece, uint32_t pixel) {
  const Descriptor& d = job_->desc;
  const TilePlan& tile = job_->plan.tiles[t_];
  const uint32_t k = env_.arch.pe_array.kernel, nc = job_->plan.steps[step].nc;
  const uint32_t py = piece / kp_, px = piece % kp_, ty = pixel / tile.ncol, tx = pixel % tile.ncol;
  window_.resize(size_t(nc) * k * k);
  input->read_window(step % 2, nc, ty * d.stride + py * k, tx * d.stride + px * k,
                     std::min(k, d.kernel - py * k), std::min(k, d.kernel - px * k), window_.data());
}

bool ComputeUnit::issue_conv(uint64_t now) {
  const LayerPlan& plan = job_->plan;
  if (s_ >= plan.steps.size()) return false;
  const TilePlan& tile = plan.tiles[t_];
  const uint32_t pixels = tile.nr * tile.ncol;
  const bool first_round = s_ == tile.first_step && j_ == 0;
  if (px_ == 0) {  // a round starts: its weights must be in the shadow set, ready
    if (!shadow_full_ || now < shadow_ready_) return false;
    if (first_round && !out_free(t_)) return false;
  }
  // Hazard: the accumulator of this pixel was issued less than H cycles ago; its sum would be
  // read before the previous one is written.
  if (!first_round && now < last_issue_[px_] + hazard_) {
    hazard_wait_ = true;
    return false;
  }
  const uint32_t half = t_ % 2;
  if (px_ == 0) {
    array_->swap();
    shadow_full_ = false;
    if (first_round) {  // the tile's accumulators and its bias, held beside them for the PPU
      out_started_[half] = !out_started_[half];
      output->start_tile(half, tile.mc, pixels, weights->contents(s_ % 2).bias);
      env_.activity.bias_registers(tile.mc, passes_.back().actions);
      last_issue_.assign(pixels, 0);
    }
  }
  gather_window(s_, j_, px_);
  Slot& slot = ring_[now % depth_];
  array_->issue(window_.data(), slot.sums.data());
  ++step_issues_;
  const bool last_step = s_ + 1 == tile.first_step + tile.steps;
  const bool last_of_step = j_ + 1 == pieces_ && px_ + 1 == pixels;
  push(now, half, px_, first_round, last_step && last_of_step);
  last_issue_[px_] = now;
  if (++px_ < pixels) return true;
  px_ = 0;
  if (++j_ < pieces_) return true;
  j_ = 0;
  finish_step(s_);
  if (last_step) ++t_;
  ++s_;
  return true;
}

bool ComputeUnit::preload(uint64_t now) {
  const LayerPlan& plan = job_->plan;
  if (shadow_full_ || ps_ >= plan.steps.size()) return false;
  const WeightHalf& wh = weights->contents(ps_ % 2);
  if (pj_ == 0) {  // a step's first piece: its weight half must have been filled
    if (!in_full(ps_)) return false;
    job_->layout->unpack(wh.block.data(), wh.mc, wh.nc, fields_);
  }
  array_->preload(fields_, wh.mc, wh.nc, job_->desc.kernel, pj_ / kp_, pj_ % kp_);
  env_.activity.weight_preload(wh.mc, wh.nc, passes_.back().actions);
  shadow_full_ = true;
  shadow_ready_ = now + preload_cycles_;
  preload_busy_ = true;
  preload_busy_until_ = now + preload_cycles_ - 1;
  if (++pj_ == pieces_) {
    pj_ = 0;
    ++ps_;
  }
  return true;
}

bool ComputeUnit::issue_vector(uint64_t now) {
  const LayerPlan& plan = job_->plan;
  if (s_ >= plan.steps.size()) return false;
  const TilePlan& tile = plan.tiles[s_];  // pooling and element-wise tiles have one step
  const uint32_t half = s_ % 2;
  if (i_ == 0) {
    if (!in_full(s_) || !out_free(s_)) return false;
    out_started_[half] = !out_started_[half];
    OutputHalf& out = output->start_tile(half, tile.mc, tile.nr * tile.ncol, {});
    vector_.begin(job_->desc, tile, input->contents(half), out);
    env_.activity.vector_tile(job_->desc, tile, passes_.back().actions);
  }
  vector_.cycle(i_);
  const bool last = i_ + 1 == vector_.issue_cycles();
  t_ = s_;
  push(now, half, 0, false, last);
  if (!last) {
    ++i_;
    return true;
  }
  i_ = 0;
  finish_step(s_);
  ++s_;
  return true;
}

}  // namespace shiftsim::models
