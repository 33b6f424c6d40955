#include "models/dram.h"

#include <cstring>

#include "models/memory/dram_access_extension.h"

namespace shiftsim::models {

Dram::Dram(sc_core::sc_module_name name, const ArchSpec& arch)
    : sc_module(name),
      socket("socket"),
      clock_(arch.clock_mhz),
      timing_(arch.dram, arch.clock_mhz),
      memory_(make_memory_timing(arch)),
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

  // The burst arrives now; the engine reads when the DRAM has its data from the extension.
  const uint64_t arrival = clock_.of(sc_core::sc_time_stamp() + delay);
  const MemAccess a = memory_->access(write, arrival, addr, len);
  if (auto* ext = gp.get_extension<DramAccessExtension>()) {
    ext->first = a.first;
    ext->last = a.last;
  }
  delay += clock_.cycles(a.first - arrival);
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace shiftsim::models
