#include "models/accelerator.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

#include "models/buffers/input_buffer.h"
#include "models/buffers/output_buffer.h"
#include "models/buffers/weight_buffer.h"
#include "models/control/controller.h"
#include "models/control/host.h"
#include "models/memory/interconnect.h"
#include "models/memory/load_store_units.h"
#include "models/pe_array/rtl_select.h"
#include "models/recurrent/recurrent_unit.h"
#include "models/unit_env.h"
#include "models/vcd_merge.h"

namespace shiftsim::models {

namespace {
// With a trace, every rising edge reaches the VCD so it shows the clock and the cycle counter
// on every cycle.
class TraceTick : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  TraceTick(sc_core::sc_module_name name, const CycleTime& clock, VcdTrace& trace)
      : sc_module(name), clk("clk"), clock_(clock), trace_(trace) {
    SC_HAS_PROCESS(TraceTick);
    SC_METHOD(tick);
    sensitive << clk.pos();
    dont_initialize();
  }

 private:
  void tick() { trace_.tick(clock_.now()); }
  const CycleTime& clock_;
  VcdTrace& trace_;
};

// Cycle mode's trace shows the DDR4's commands and banks too. With the RTL compute unit, the
// machine's signals and the RTL's are written to two files beside the trace, merged into it
// when the run ends (RtlTraceFiles).
TraceOptions machine_trace(TraceOptions t, const ArchSpec& arch) {
  t.dram_banks = Dram::traced_banks(arch);
  if (!t.path.empty() && arch.pe_array.impl == ComputeImpl::rtl) {
    t.rtl_path = t.path + ".rtl.part";
    t.path += ".machine.part";
  }
  return t;
}

// The two halves of an RTL run's trace: removed whatever happens, once merged or on failure.
struct RtlTraceFiles {
  TraceOptions t;
  explicit RtlTraceFiles(const TraceOptions& t) : t(t) {}
  ~RtlTraceFiles() {
    if (t.rtl_path.empty()) return;
    std::remove(t.path.c_str());
    std::remove(t.rtl_path.c_str());
  }
  // One VCD at `out`: the RTL's scopes under the compute unit's, as `rtl`, in the machine's
  // windows (docs/RTL.md, "VCD").
  void merge(const std::string& out, const std::vector<VcdWindow>& windows) const {
    if (t.rtl_path.empty()) return;
    VcdMergeSpec m;
    m.base = t.path;
    m.extra = t.rtl_path;
    m.out = out;
    m.at = {"accelerator", "compute_unit"};
    m.scope = "rtl";
    m.windows = windows;
    merge_vcd(m);
  }
};

// Builds the machine and binds it; nothing else.
struct Machine {
  Machine(const ArchSpec& arch, const SimOptions& opt, uint64_t desc_addr, uint32_t count)
      : trace(machine_trace(opt.trace, arch), arch.period_ps()),
        env(arch, trace, opt.dsp_counting),
        clk("clk", env.clock.period(), 0.5, sc_core::SC_ZERO_TIME, true),
        dram("dram", arch, trace),
        interconnect("interconnect"),
        controller("controller", env, dram, opt.watchdog_cycles),
        input_buffer("input_buffer", env),
        weight_buffer("weight_buffer", env),
        output_buffer("output_buffer", env),
        load("load_unit", env, dram.timing()),
        compute_unit(make_compute_unit("compute_unit", env)),
        compute(*compute_unit),
        store("store_unit", env, dram.timing()),
        recurrent("recurrent_unit", env, dram.timing()),
        host("host", env.clock, desc_addr, count, opt),
        layer("layer"), layer_done("layer_done"), rnn_done("rnn_done"), irq("irq"), in_filled("in_filled", 2), in_freed("in_freed", 2),
        out_filled("out_filled", 2), out_freed("out_freed", 2) {
    host.socket.bind(interconnect.targets);
    controller.fetch.socket.bind(interconnect.targets);
    load.engine_.socket.bind(interconnect.targets);
    store.engine_.socket.bind(interconnect.targets);
    recurrent.read_engine.socket.bind(interconnect.targets);
    recurrent.write_engine.socket.bind(interconnect.targets);
    recurrent.clk(clk);
    recurrent.layer(layer);
    recurrent.rnn_done(rnn_done);
    controller.rnn_done(rnn_done);
    interconnect.to_dram.bind(dram.socket);
    dram.clk(clk);
    interconnect.to_regs.bind(controller.regs);
    controller.on_layer = opt.on_layer;
    controller.clk(clk);
    load.clk(clk);
    compute.clk(clk);
    store.clk(clk);
    controller.layer(layer);
    load.layer(layer);
    compute.layer(layer);
    store.layer(layer);
    store.layer_done(layer_done);
    controller.layer_done(layer_done);
    controller.irq(irq);
    host.irq(irq);
    load.input(input_buffer.fill_port);
    load.weights(weight_buffer.fill_port);
    compute.input(input_buffer.read_port);
    compute.weights(weight_buffer.read_port);
    compute.output(output_buffer.accumulate_port);
    store.output(output_buffer.drain_port);
    for (int h = 0; h < 2; ++h) {
      load.in_filled[h](in_filled[h]);
      compute.in_filled[h](in_filled[h]);
      compute.in_freed[h](in_freed[h]);
      load.in_freed[h](in_freed[h]);
      compute.out_filled[h](out_filled[h]);
      store.out_filled[h](out_filled[h]);
      store.out_freed[h](out_freed[h]);
      compute.out_freed[h](out_freed[h]);
      input_buffer.filled[h](in_filled[h]);
      input_buffer.freed[h](in_freed[h]);
      weight_buffer.filled[h](in_filled[h]);
      weight_buffer.freed[h](in_freed[h]);
      output_buffer.filled[h](out_filled[h]);
      output_buffer.freed[h](out_freed[h]);
    }
    if (trace.on()) {
      tick = std::make_unique<TraceTick>("trace_tick", env.clock, trace);
      tick->clk(clk);
    }
  }

  // Each pass: the controller's record, with what the units counted added to it.
  std::vector<UnitPass> passes() const {
    std::vector<UnitPass> passes = controller.passes();
    for (const std::vector<UnitPass>* unit : {&load.passes(), &compute.passes(), &store.passes(), &recurrent.passes()}) {
      if (unit->size() != passes.size())
        throw std::logic_error("cycle mode: a unit counted " + std::to_string(unit->size()) + " passes of " +
                               std::to_string(passes.size()));
      for (size_t i = 0; i < passes.size(); ++i) {
        add_unit_counts(passes[i].stats, (*unit)[i].stats);
        add_actions(passes[i].actions, (*unit)[i].actions);
      }
    }
    return passes;
  }

  VcdTrace trace;
  UnitEnv env;
  sc_core::sc_clock clk;
  Dram dram;
  Interconnect interconnect;
  Controller controller;
  InputBuffer input_buffer;
  WeightBuffer weight_buffer;
  OutputBuffer output_buffer;
  LoadUnit load;
  std::unique_ptr<ComputeUnitPorts> compute_unit;  // pe_array.impl: native or rtl
  ComputeUnitPorts& compute;
  StoreUnit store;
  RecurrentUnit recurrent;
  Host host;
  sc_core::sc_signal<LayerRegister> layer;
  sc_core::sc_signal<bool> layer_done, rnn_done, irq;
  sc_core::sc_vector<sc_core::sc_signal<bool>> in_filled, in_freed, out_filled, out_freed;
  std::unique_ptr<TraceTick> tick;
};
}  // namespace

SimResult simulate_cycle(const ArchSpec& arch, std::vector<uint8_t> image, uint64_t desc_addr,
                   uint32_t desc_count, const SimOptions& options, std::vector<uint8_t>& dram_out) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
  sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
  const RtlTraceFiles rtl_trace(machine_trace(options.trace, arch));
  auto machine = std::make_unique<Machine>(arch, options, desc_addr, desc_count);
  Machine& m = *machine;
  m.dram.storage() = std::move(image);
  sc_core::sc_start();
  if (!m.host.done()) throw std::runtime_error("simulation ended before the accelerator finished");
  SimResult r;
  r.total_cycles = m.host.end_cycle();
  r.accelerator_cycles = m.host.accelerator_cycles();
  r.run_cycles = m.host.run_cycles();
  r.run_end_cycles = m.host.run_end_cycles();
  for (const UnitPass& p : m.passes()) {
    r.layers.push_back(p.stats);
    r.actions.push_back(p.actions);
  }
  r.dram = m.dram.stats();
  m.trace.finish(r.total_cycles);
  const std::vector<VcdWindow> windows = m.trace.windows();
  dram_out = std::move(m.dram.storage());
  machine.reset();  // the RTL core closes its VCD
  rtl_trace.merge(options.trace.path, windows);
  return r;
}

}  // namespace shiftsim::models
