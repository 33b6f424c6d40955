#include "models/control/host.h"

#include <cstring>
#include <stdexcept>
#include <string>

#include "models/control/program.h"

namespace shiftsim::models {

Host::Host(sc_core::sc_module_name name, const CycleTime& clock, uint64_t desc_addr, uint32_t desc_count,
           const SimOptions& options)
    : sc_module(name), socket("socket"), irq("irq"), clock_(clock), desc_addr_(desc_addr),
      desc_count_(desc_count), options_(options) {
  SC_HAS_PROCESS(Host);
  SC_THREAD(run);
}

// One AXI-Lite access; the host waits for it to complete.
uint32_t Host::access(tlm::tlm_command cmd, uint32_t reg, uint32_t value) {
  tlm::tlm_generic_payload gp;
  gp.set_command(cmd);
  gp.set_address(kRegBase + reg);
  gp.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
  gp.set_data_length(4);
  gp.set_streaming_width(4);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  socket->b_transport(gp, delay);
  if (gp.is_response_error())
    throw std::runtime_error("host: register access failed at offset " + std::to_string(reg));
  sc_core::wait(delay);
  return value;
}

void Host::write(uint32_t reg, uint32_t value) { access(tlm::TLM_WRITE_COMMAND, reg, value); }

uint32_t Host::read(uint32_t reg) { return access(tlm::TLM_READ_COMMAND, reg, 0); }

void Host::debug(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, uint32_t len) {
  tlm::tlm_generic_payload gp;
  gp.set_command(cmd);
  gp.set_address(addr);
  gp.set_data_ptr(data);
  gp.set_data_length(len);
  if (socket->transport_dbg(gp) != len || gp.is_response_error())
    throw std::runtime_error("host: debug access of " + std::to_string(len) + " bytes at " +
                             std::to_string(addr) + " failed");
}

void Host::write(uint64_t addr, const uint8_t* data, uint32_t len) {
  debug(tlm::TLM_WRITE_COMMAND, addr, const_cast<uint8_t*>(data), len);
}

void Host::read(uint64_t addr, uint8_t* data, uint32_t len) {
  debug(tlm::TLM_READ_COMMAND, addr, data, len);
}

void Host::run() {
  done_ = true;
  for (uint32_t r = 0; r < options_.runs && done_; ++r) {
    if (options_.before_run) options_.before_run(r, *this);
    write(kRegDescLo, uint32_t(desc_addr_));
    write(kRegDescHi, uint32_t(desc_addr_ >> 32));
    write(kRegDescCount, desc_count_);
    write(kRegCtrl, 1);
    sc_core::wait(irq.value_changed_event());
    done_ = (read(kRegStatus) & 1) != 0;
    run_cycles_.push_back(read(kRegCyclesLo) | (uint64_t(read(kRegCyclesHi)) << 32));
    run_end_cycles_.push_back(clock_.now());
    if (done_ && options_.after_run) options_.after_run(r, *this);
  }
  end_cycle_ = clock_.now();
  sc_core::sc_stop();
}

}  // namespace shiftsim::models
