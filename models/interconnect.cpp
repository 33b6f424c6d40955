#include "models/interconnect.h"

#include "models/program.h"

namespace shiftsim::models {

Interconnect::Interconnect(sc_core::sc_module_name name)
    : sc_module(name), targets("targets"), to_dram("to_dram"), to_regs("to_regs") {
  targets.register_b_transport(this, &Interconnect::b_transport);
  targets.register_transport_dbg(this, &Interconnect::transport_dbg);
}

void Interconnect::b_transport(int, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const uint64_t addr = gp.get_address();
  if (addr >= kRegBase) {
    gp.set_address(addr - kRegBase);
    to_regs->b_transport(gp, delay);
    gp.set_address(addr);
  } else {
    to_dram->b_transport(gp, delay);
  }
}

unsigned Interconnect::transport_dbg(int, tlm::tlm_generic_payload& gp) {
  if (gp.get_address() >= kRegBase) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  return to_dram->transport_dbg(gp);
}

}  // namespace shiftsim::models
