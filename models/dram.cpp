#include "models/dram.h"

#include <cstring>

namespace shiftsim::models {

Dram::Dram(sc_core::sc_module_name name, const ArchSpec& arch)
    : sc_module(name),
      socket("socket"),
      clock_(arch.clock_mhz),
      timing_(arch.dram, arch.clock_mhz),
      channels_(timing_),
      capacity_(arch.dram.size_mib << 20) {
  socket.register_b_transport(this, &Dram::b_transport);
  socket.register_transport_dbg(this, &Dram::transport_dbg);
}

unsigned Dram::transport_dbg(tlm::tlm_generic_payload& gp) {
  const uint64_t addr = gp.get_address();
  const uint32_t len = gp.get_data_length();
  if (addr + len > capacity_) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  if (addr + len > storage_.size()) storage_.resize(addr + len, 0);
  if (gp.is_write())
    std::memcpy(storage_.data() + addr, gp.get_data_ptr(), len);
  else
    std::memcpy(gp.get_data_ptr(), storage_.data() + addr, len);
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
  return len;
}

void Dram::b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const uint64_t addr = gp.get_address();
  const uint32_t len = gp.get_data_length();
  if (addr + len > capacity_ || gp.get_byte_enable_ptr() != nullptr) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const bool write = gp.is_write();
  if (addr + len > storage_.size()) storage_.resize(addr + len, 0);
  if (write)
    std::memcpy(storage_.data() + addr, gp.get_data_ptr(), len);
  else
    std::memcpy(gp.get_data_ptr(), storage_.data() + addr, len);

  const uint64_t start = clock_.of(sc_core::sc_time_stamp() + delay);
  delay += clock_.cycles(channels_.burst(write, start, addr, len));
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace shiftsim::models
