#pragma once
// What every clocked unit of cycle mode is given when it is built, besides its ports: the
// machine's configuration (the generics its RTL would have), the clock's cycle counter, the
// price list of its activity, and two simulation instruments that are not hardware: the VCD
// trace, and the mark the deadlock watchdog reads (the controller stops a run in which no unit
// has moved for too long). Units exchange data and control only through their ports.
#include <cstdint>

#include "models/arch_spec.h"
#include "models/cycle_time.h"
#include "models/energy/activity.h"
#include "models/stats.h"
#include "models/vcd_trace.h"

namespace shiftsim::models {

// What a unit counted in one pass: its cycles (the LayerStats fields it owns) and its actions.
struct UnitPass {
  LayerStats stats;
  ComponentActions actions{};
};

class UnitEnv {
 public:
  UnitEnv(const ArchSpec& a, VcdTrace& t, DspCounting counting)
      : arch(a), clock(a.clock_mhz), activity(a, counting), trace(t) {}

  const ArchSpec& arch;
  const CycleTime clock;
  const ActivityCounter activity;
  VcdTrace& trace;

  void mark(Sig s, uint64_t v) { trace.set(s, v, clock.now()); }
  // A unit moved data, issued or retired this cycle.
  void progress() { last_progress_ = clock.now(); }
  uint64_t last_progress() const { return last_progress_; }

 private:
  uint64_t last_progress_ = 0;
};

}  // namespace shiftsim::models
