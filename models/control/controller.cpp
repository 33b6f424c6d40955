#include "models/control/controller.h"

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace shiftsim::models {

Controller::Controller(sc_core::sc_module_name name, UnitEnv& env, const Dram& dram, uint64_t watchdog_cycles)
    : sc_module(name), regs("regs"), clk("clk"), layer("layer"), layer_done("layer_done"), rnn_done("rnn_done"), irq("irq"),
      env_(env), dram_(dram), fetch("fetch", env, dram.timing(), DramInitiator::fetch),
      watchdog_(watchdog_cycles ? watchdog_cycles
                                : 1000000 + 2 * (uint64_t(dram.timing().latency_cycles()) +
                                                 ns_to_cycles(env.arch.dram.controller_latency_ns,
                                                              env.arch.clock_mhz))) {
  fetch.clk(clk);
  regs.register_b_transport(this, &Controller::reg_access);
  SC_HAS_PROCESS(Controller);
  SC_THREAD(run);
  sensitive << clk.pos();
  dont_initialize();
}

void Controller::reg_access(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  delay += env_.clock.cycles(env_.arch.host.reg_access_cycles);
  if (gp.get_data_length() != 4) {
    gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  uint32_t v = 0;
  const uint64_t reg = gp.get_address();
  if (gp.is_write()) {
    std::memcpy(&v, gp.get_data_ptr(), 4);
    switch (reg) {
      case kRegCtrl:
        if (v & 1) start_at_ = env_.clock.of(sc_core::sc_time_stamp() + delay);  // when the write completes
        break;
      case kRegDescLo: desc_addr_ = (desc_addr_ & ~0xFFFFFFFFull) | v; break;
      case kRegDescHi: desc_addr_ = (desc_addr_ & 0xFFFFFFFFull) | (uint64_t(v) << 32); break;
      case kRegDescCount: desc_count_ = v; break;
      default: gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE); return;
    }
  } else {
    switch (reg) {
      case kRegStatus: v = status_; break;
      case kRegCyclesLo: v = uint32_t(cycles_); break;
      case kRegCyclesHi: v = uint32_t(cycles_ >> 32); break;
      case kRegDescCount: v = desc_count_; break;
      default: gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE); return;
    }
    std::memcpy(gp.get_data_ptr(), &v, 4);
  }
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

// Waits for the store unit's toggle, as a register read at an edge sees it, checking now and
// then that some unit still makes progress.
void Controller::await_layer_done(uint32_t pass, uint32_t layer_id, const sc_core::sc_in<bool>& done, bool& seen) {
  env_.progress();
  while (done.read() == seen) {
    sc_core::wait(env_.clock.cycles(watchdog_), done.value_changed_event());
    sc_core::wait();  // the change is seen at the next edge
    if (done.read() == seen && env_.clock.now() - env_.last_progress() > watchdog_)
      throw std::runtime_error("cycle mode: no unit made progress for " + std::to_string(watchdog_) +
                               " cycles in pass " + std::to_string(pass) + " (layer " +
                               std::to_string(layer_id) +
                               "): the units are deadlocked, or a DRAM access takes longer than the "
                               "watchdog (--watchdog-cycles)");
  }
  seen = !seen;
}

void Controller::run() {
  std::vector<uint8_t> raw(kDescriptorBytes);
  const ArchSpec& arch = env_.arch;
  for (;;) {
    while (env_.clock.now() < start_at_) sc_core::wait();  // idle: only between runs
    start_at_ = UINT64_MAX;
    status_ = 2;  // busy
    const uint64_t t0 = env_.clock.now();
    for (uint32_t i = 0; i < desc_count_; ++i) {
      if (on_layer) on_layer(i, desc_count_);
      LayerStats st;
      st.start_cycle = env_.clock.now();
      const auto wall0 = std::chrono::steady_clock::now();
      const DramStats before = dram_.stats();
      fetch.add(desc_addr_ + uint64_t(i) * kDescriptorBytes, raw.data(), kDescriptorBytes);
      fetch.run();
      sc_core::wait(int(kDecodeCycles));
      auto job = std::make_shared<LayerJob>();
      job->desc = Descriptor::decode(raw.data());
      const Descriptor& d = job->desc;
      env_.trace.set_layer(d.layer_id, env_.clock.now());
      job->plan = plan_layer(d, arch);
      if (d.op == Op::conv) job->layout.emplace(d, arch);
      st.layer_id = d.layer_id;
      st.steps = uint32_t(job->plan.steps.size());
      st.tiles = uint32_t(job->plan.tiles.size());
      st.tile_rows = d.tile_rows;
      st.tile_cols = d.tile_cols;
      layer.write(LayerRegister{++layers_, job});
      // The units see the layer at the next edge; the store unit's toggle ends it.
      await_layer_done(i, d.layer_id, layer_done, done_seen_);
      // A recurrent pass's plan is empty (the store unit is done at once): the recurrent unit ends it.
      if (is_recurrent(d.op)) await_layer_done(i, d.layer_id, rnn_done, rnn_seen_);
      st.end_cycle = env_.clock.now();
      st.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
      st.dram_read_bytes = dram_.stats().read_bytes - before.read_bytes;
      st.dram_write_bytes = dram_.stats().write_bytes - before.write_bytes;
      UnitPass pass;
      pass.stats = st;
      env_.activity.pass_overhead(double(job->plan.steps.size()), double(st.dram_read_bytes + st.dram_write_bytes),
                                  pass.actions);
      passes_.push_back(pass);
    }
    cycles_ = env_.clock.now() - t0;
    status_ = 1;  // done
    irq_state_ = !irq_state_;
    irq.write(irq_state_);
  }
}

}  // namespace shiftsim::models
