#pragma once
// All timing in the models is whole clock cycles; SystemC time is cycles x period, with a
// 1 ps resolution set before elaboration.
#include <cstdint>

#include <systemc>

#include "models/simulation.h"

namespace shiftsim::models {

class CycleTime {
 public:
  explicit CycleTime(double clock_mhz)
      : period_ps_(uint64_t(1e6 / clock_mhz + 0.5)), period_(double(period_ps_), sc_core::SC_PS) {}
  const sc_core::sc_time& period() const { return period_; }
  uint64_t period_ps() const { return period_ps_; }
  sc_core::sc_time cycles(uint64_t n) const { return period_ * double(n); }
  uint64_t now() const { return sc_core::sc_time_stamp().value() / period_.value(); }
  uint64_t of(const sc_core::sc_time& t) const { return t.value() / period_.value(); }

 private:
  uint64_t period_ps_;
  sc_core::sc_time period_;
};

}  // namespace shiftsim::models
