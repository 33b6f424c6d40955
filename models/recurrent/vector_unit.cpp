#include "models/recurrent/vector_unit.h"

#include <algorithm>
#include <stdexcept>

#include "models/recurrent/vector_unit_resources.h"

namespace shiftsim::models {

VectorUnit::VectorUnit(sc_core::sc_module_name name, UnitEnv& env, const VecCommand& reg, uint32_t latency,
                       Sig busy)
    : sc_module(name), clk("clk"), cmd("cmd"), done("done"), env_(env), reg_(reg), latency_(latency),
      busy_sig_(busy) {
  if (latency < 1 || latency > 63) throw std::logic_error("vector unit: latency must be 1..63");
  SC_HAS_PROCESS(VectorUnit);
  SC_METHOD(tick);
  sensitive << clk.pos();
  dont_initialize();
}

void VectorUnit::tick() {
  if (sleeping_) {  // woken by a command between edges: act at the next edge
    sleeping_ = false;
    next_trigger();
    return;
  }
  const bool idle = valid_ == 0 && next_ >= words_;
  if (idle && cmd.read() == seen_) {
    env_.mark(busy_sig_, 0);
    sleeping_ = true;
    next_trigger(cmd.value_changed_event());
    return;
  }
  if (idle) {  // a new command, seen at this edge
    seen_ = cmd.read();
    cur_ = reg_;
    next_ = 0;
    words_ = uint32_t(vec_issues(cur_.state->header(), cur_.op, env_.arch.pe_array.lanes));
  }
  // Shift the pipeline; the elements issued this cycle enter its first stage.
  const uint64_t mask = (uint64_t(1) << latency_) - 1;
  valid_ = (valid_ << 1) & mask;
  last_ = (last_ << 1) & mask;
  if (next_ < words_) {  // one word of a gate block: its real elements, lane j mod Tm each
    const WordRows w = word_rows(cur_.state->header(), next_, env_.arch.pe_array.lanes);
    for (uint32_t e = w.row0; e < w.row0 + w.n; ++e) {
      cur_.state->element(cur_.op, e);
      if (cur_.actions) count_vector_element(env_.activity, cur_.state->header(), cur_.op, e, *cur_.actions);
    }
    ++next_;
    valid_ |= 1;
    if (next_ == words_) last_ |= 1;
    env_.progress();
  }
  env_.mark(busy_sig_, valid_ != 0);
  if (last_ & (uint64_t(1) << (latency_ - 1))) {  // the op's last element leaves the last stage
    done_state_ = !done_state_;
    done.write(done_state_);
    last_ = 0;
  }
}

}  // namespace shiftsim::models
