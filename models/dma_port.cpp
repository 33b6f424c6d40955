#include "models/dma_port.h"

#include <stdexcept>
#include <string>

namespace shiftsim::models {

void DmaPort::transfer(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, uint64_t bytes) {
  bursts_.clear();
  timing_.split(addr, bytes, bursts_);
  for (const Burst& b : bursts_) {
    gp_.set_command(cmd);
    gp_.set_address(b.addr);
    gp_.set_data_ptr(data + (b.addr - addr));
    gp_.set_data_length(b.bytes);
    gp_.set_streaming_width(b.bytes);
    gp_.set_byte_enable_ptr(nullptr);
    gp_.set_dmi_allowed(false);
    gp_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    socket_->b_transport(gp_, delay);
    if (gp_.is_response_error())
      throw std::runtime_error("DMA: " + gp_.get_response_string() + " at address " +
                               std::to_string(b.addr));
    pipe_.spend(pipe_.clock.of(delay));
  }
}

}  // namespace shiftsim::models
