#pragma once
// Verilator's VCD writer registered with the SystemC kernel, as VerilatedVcdSc is, but writing
// a time step only when a gate says the machine's trace may show it (its cycle window and layer
// filter, VcdTrace::may_show). VerilatedVcdSc cannot be told to skip (it is final), and without
// a gate the RTL's trace of a window in a long run would first be the whole run on disk.
// Skipping is exact: Verilator writes at each dump every signal that differs from its last
// dump, so the first dump after a gap brings every value up to date.
#include <cstdint>
#include <functional>
#include <string>

#include <systemc>
#include <verilated_vcd_c.h>

namespace shiftsim::models::rtl {

class GatedVcdSc final : public sc_core::sc_trace_file, public VerilatedVcdC {
 public:
  explicit GatedVcdSc(std::function<bool(uint64_t time_ps)> gate) : gate_(std::move(gate)) {
    sc_core::sc_get_curr_simcontext()->add_trace_file(this);
    // Times as VerilatedVcdSc sets them: the file counts in the kernel's resolution (1 ps,
    // models/cycle_time.h), the machine's VCD's timescale.
    const sc_core::sc_time second{1, sc_core::SC_SEC};
    if (second.to_default_time_units() != 0)
      spTrace()->set_time_unit(sc_core::sc_time{1.0 / second.to_default_time_units(), sc_core::SC_SEC}.to_string());
    spTrace()->set_time_resolution(sc_core::sc_get_time_resolution().to_string());
  }
  ~GatedVcdSc() override {
    sc_core::sc_get_curr_simcontext()->remove_trace_file(this);
    close();
  }
  GatedVcdSc(const GatedVcdSc&) = delete;
  GatedVcdSc& operator=(const GatedVcdSc&) = delete;

 protected:
  // Called by the kernel after each time step's last delta cycle.
  void cycle(bool delta_cycle) override {
    if (delta_cycle) return;
    const uint64_t t = sc_core::sc_time_stamp().value();
    if (gate_(t)) dump(t);
  }

 private:
  std::function<bool(uint64_t)> gate_;

  // SystemC's own tracing calls, which a Verilated model does not use.
  void set_time_unit(double, sc_core::sc_time_unit) override {}
  void write_comment(const std::string&) override {}
  void trace(const unsigned int&, const std::string&, const char**) override {}
#define SHIFTSIM_NO_TRACE_A(tp) \
  void trace(const tp&, const std::string&) override {}
#define SHIFTSIM_NO_TRACE_B(tp) \
  void trace(const tp&, const std::string&, int) override {}
  SHIFTSIM_NO_TRACE_A(sc_core::sc_event)
  SHIFTSIM_NO_TRACE_A(sc_core::sc_time)
  SHIFTSIM_NO_TRACE_A(bool)
  SHIFTSIM_NO_TRACE_A(sc_dt::sc_bit)
  SHIFTSIM_NO_TRACE_A(sc_dt::sc_logic)
  SHIFTSIM_NO_TRACE_B(unsigned char)
  SHIFTSIM_NO_TRACE_B(unsigned short)
  SHIFTSIM_NO_TRACE_B(unsigned int)
  SHIFTSIM_NO_TRACE_B(unsigned long)
  SHIFTSIM_NO_TRACE_B(char)
  SHIFTSIM_NO_TRACE_B(short)
  SHIFTSIM_NO_TRACE_B(int)
  SHIFTSIM_NO_TRACE_B(long)
  SHIFTSIM_NO_TRACE_B(sc_dt::int64)
  SHIFTSIM_NO_TRACE_B(sc_dt::uint64)
  SHIFTSIM_NO_TRACE_A(float)
  SHIFTSIM_NO_TRACE_A(double)
  SHIFTSIM_NO_TRACE_A(sc_dt::sc_int_base)
  SHIFTSIM_NO_TRACE_A(sc_dt::sc_uint_base)
  SHIFTSIM_NO_TRACE_A(sc_dt::sc_signed)
  SHIFTSIM_NO_TRACE_A(sc_dt::sc_unsigned)
  SHIFTSIM_NO_TRACE_A(sc_dt::sc_fxval)
  SHIFTSIM_NO_TRACE_A(sc_dt::sc_fxval_fast)
  SHIFTSIM_NO_TRACE_A(sc_dt::sc_fxnum)
  SHIFTSIM_NO_TRACE_A(sc_dt::sc_fxnum_fast)
  SHIFTSIM_NO_TRACE_A(sc_dt::sc_bv_base)
  SHIFTSIM_NO_TRACE_A(sc_dt::sc_lv_base)
#undef SHIFTSIM_NO_TRACE_A
#undef SHIFTSIM_NO_TRACE_B
};

}  // namespace shiftsim::models::rtl
