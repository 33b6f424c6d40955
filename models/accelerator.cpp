#include "models/accelerator.h"

#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "models/controller.h"
#include "models/host.h"
#include "models/interconnect.h"
#include "models/units.h"

namespace shiftsim::models {

namespace {
// Cycle mode with a trace: a real clock whose every rising edge reaches the trace, so the VCD
// shows the clock and the cycle counter on every cycle.
class TraceClock : public sc_core::sc_module {
 public:
  TraceClock(sc_core::sc_module_name name, const CycleTime& clock, VcdTrace& trace)
      : sc_module(name), clk_("clk", clock.period(), 0.5, sc_core::SC_ZERO_TIME, true),
        clock_(clock), trace_(trace) {
    SC_HAS_PROCESS(TraceClock);
    SC_METHOD(tick);
    sensitive << clk_.posedge_event();
    dont_initialize();
  }

 private:
  void tick() { trace_.tick(clock_.now()); }
  sc_core::sc_clock clk_;
  const CycleTime& clock_;
  VcdTrace& trace_;
};

struct Machine {
  Machine(const ArchSpec& arch, const SimOptions& opt, uint64_t desc_addr, uint32_t count)
      : trace(opt.trace, CycleTime(arch.clock_mhz).period_ps()),
        pipe(arch, trace),
        dram("dram", arch),
        interconnect("interconnect"),
        controller("controller", pipe, dram),
        load("load_unit", pipe, dram.timing()),
        compute("compute_unit", pipe),
        store("store_unit", pipe, dram.timing()),
        host("host", pipe.clock, controller.irq, desc_addr, count, opt) {
    host.socket.bind(interconnect.targets);
    controller.fetch.bind(interconnect.targets);
    load.socket.bind(interconnect.targets);
    store.socket.bind(interconnect.targets);
    interconnect.to_dram.bind(dram.socket);
    interconnect.to_regs.bind(controller.regs);
    controller.on_layer = opt.on_layer;
    if (trace.on())
      clock = std::make_unique<TraceClock>("trace_clock", pipe.clock, trace);
  }
  VcdTrace trace;
  Pipeline pipe;
  Dram dram;
  Interconnect interconnect;
  Controller controller;
  LoadUnit load;
  ComputeUnit compute;
  StoreUnit store;
  Host host;
  std::unique_ptr<TraceClock> clock;
};
}  // namespace

SimResult simulate_cycle(const ArchSpec& arch, std::vector<uint8_t> image, uint64_t desc_addr,
                   uint32_t desc_count, const SimOptions& options, std::vector<uint8_t>& dram_out) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
  sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
  Machine m(arch, options, desc_addr, desc_count);
  m.dram.storage() = std::move(image);
  sc_core::sc_start();
  if (!m.host.done()) throw std::runtime_error("simulation ended before the accelerator finished");
  SimResult r;
  r.total_cycles = m.host.end_cycle();
  r.accelerator_cycles = m.host.accelerator_cycles();
  r.run_cycles = m.host.run_cycles();
  r.run_end_cycles = m.host.run_end_cycles();
  r.layers = m.pipe.stats;
  r.dram = m.dram.stats();
  m.trace.finish(r.total_cycles);
  dram_out = std::move(m.dram.storage());
  return r;
}

}  // namespace shiftsim::models
