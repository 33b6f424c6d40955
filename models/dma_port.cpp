#include "models/dma_port.h"

#include <stdexcept>
#include <string>

namespace shiftsim::models {

uint64_t DmaPort::transfer(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, uint64_t bytes,
                           sc_core::sc_time& pending) {
  bursts_.clear();
  timing_.split(addr, bytes, bursts_);
  uint64_t total = 0;
  for (const Burst& b : bursts_) {
    gp_.set_command(cmd);
    gp_.set_address(b.addr);
    gp_.set_data_ptr(data + (b.addr - addr));
    gp_.set_data_length(b.bytes);
    gp_.set_streaming_width(b.bytes);
    gp_.set_byte_enable_ptr(nullptr);
    gp_.set_dmi_allowed(false);
    gp_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = pending;
    socket_->b_transport(gp_, delay);
    if (gp_.is_response_error())
      throw std::runtime_error("DMA: " + gp_.get_response_string() + " at address " +
                               std::to_string(b.addr));
    const uint64_t cycles = pipe_.clock.of(delay - pending);
    total += cycles;
    if (pipe_.mode == SimMode::fast)
      pending = delay;
    else
      pipe_.spend(cycles);
  }
  return total;
}

}  // namespace shiftsim::models
