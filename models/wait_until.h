#pragma once
#include <systemc>

namespace shiftsim::models {

// Blocks a clocked thread until pred() holds at a rising edge, as a register read at that
// edge would see it; sleeps on `changed` instead of waking every cycle.
template <class Pred>
void wait_until(const sc_core::sc_event& changed, Pred pred) {
  while (!pred()) {
    sc_core::wait(changed);
    sc_core::wait();  // the change is seen at the next edge
  }
}

}  // namespace shiftsim::models
