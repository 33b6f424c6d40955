#include "models/recurrent/mvm_unit.h"

#include <algorithm>

#include "models/recurrent/mvm_activity.h"

namespace shiftsim::models {

MvmUnit::MvmUnit(sc_core::sc_module_name name, UnitEnv& env, const MvmCommand& reg)
    : sc_module(name), clk("clk"), cmd("cmd"), done("done"), env_(env), reg_(reg), array_(make_pe_array(env.arch)),
      depth_(mvm_depth(env.arch)) {
  ring_.resize(depth_);
  for (Slot& s : ring_) s.sums.assign(env.arch.pe_array.lanes, 0);
  acc_.assign(env.arch.pe_array.lanes, 0);
  SC_HAS_PROCESS(MvmUnit);
  SC_METHOD(tick);
  sensitive << clk.pos();
  dont_initialize();
}

void MvmUnit::tick() {
  if (sleeping_) {
    sleeping_ = false;
    next_trigger();
    return;
  }
  const uint64_t now = env_.clock.now();
  if (!issuing_ && inflight_ == 0) {
    if (cmd.read() == seen_) {
      env_.mark(Sig::mvm_busy, 0);
      sleeping_ = true;
      next_trigger(cmd.value_changed_event());
      return;
    }
    seen_ = cmd.read();
    cur_ = &reg_;
    mt_ = cur_->mt0;
    nt_ = 0;
    cols_ = mvm_cols(cur_->state->header(), cur_->op);
    issuing_ = mt_ < cur_->mt1;
    std::fill(acc_.begin(), acc_.end(), 0);
  }
  if (issuing_) issue(now);
  retire(now);
  env_.mark(Sig::mvm_busy, 1);
}

// One block of up to Tm rows x Tn k^2 columns: its weights read into the convolvers' registers, the
// vector's matching columns as the window, the lanes' sums into the pipeline.
void MvmUnit::issue(uint64_t now) {
  const ArchSpec& a = env_.arch;
  const WeightLayout& L = *cur_->layout;
  const uint32_t tn = a.pe_array.vector, k2 = a.pe_array.kernel * a.pe_array.kernel;
  // mc rows: Tm, or fewer in a gate block's last row tile (its other lanes idle).
  const BlockSize b = block_size(cur_->state->header(), L, a, mt_, nt_);
  const uint32_t mc = b.mc, nc = b.nc;
  L.unpack(cur_->blocks + (mvm_block_offset(L, mt_, nt_) - cur_->base), mc, nc, fields_);
  array_->preload(fields_, mc, nc, a.pe_array.kernel, 0, 0);
  array_->swap();
  const std::vector<int16_t>& v = cur_->state->operand(cur_->op.vec);
  window_.assign(size_t(nc) * k2, 0);
  const uint32_t c0 = nt_ * tn * k2;
  for (uint32_t i = 0; i < nc * k2 && c0 + i < cols_; ++i) window_[i] = v[c0 + i];
  Slot& s = ring_[now % depth_];
  array_->issue(window_.data(), s.sums.data());
  s.valid = true;
  s.cycle = now;
  s.mt = mt_;
  s.mc = mc;
  s.last_chunk = nt_ + 1 == L.n_tiles();
  ++inflight_;
  if (cur_->actions) count_mvm_issue(env_.activity, cur_->op.recurrent, b, s.last_chunk, *cur_->actions);
  env_.progress();
  if (++nt_ == L.n_tiles()) {
    nt_ = 0;
    if (++mt_ == cur_->mt1) issuing_ = false;
  }
  s.last_of_op = !issuing_;
}

// The issue of cycle now - D + 1 reaches the lane accumulators.
void MvmUnit::retire(uint64_t now) {
  if (now + 1 < depth_) return;
  Slot& s = ring_[(now + 1 - depth_) % depth_];
  if (!s.valid || s.cycle + depth_ - 1 != now) return;
  s.valid = false;
  --inflight_;
  for (uint32_t m = 0; m < s.mc; ++m) acc_[m] += s.sums[m];
  if (s.last_chunk) {
    std::vector<int64_t>& out = cur_->state->sums(cur_->op.recurrent);
    const uint32_t row0 = cur_->op.r0 + word_rows(cur_->state->header(), s.mt, env_.arch.pe_array.lanes).row0;
    for (uint32_t m = 0; m < s.mc; ++m) out[row0 + m] = acc_[m];
    std::fill(acc_.begin(), acc_.end(), 0);
  }
  if (s.last_of_op) {
    done_state_ = !done_state_;
    done.write(done_state_);
  }
}

}  // namespace shiftsim::models
