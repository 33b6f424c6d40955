#include "models/memory/interconnect.h"

#include "models/control/program.h"

#include <stdexcept>

namespace shiftsim::models {

Interconnect::Interconnect(sc_core::sc_module_name name)
    : sc_module(name), targets("targets"), to_dram("to_dram"), to_regs("to_regs") {
  targets.register_b_transport(this, &Interconnect::b_transport);
  targets.register_nb_transport_fw(this, &Interconnect::nb_transport_fw);
  to_dram.register_nb_transport_bw(this, &Interconnect::nb_transport_bw);
  targets.register_transport_dbg(this, &Interconnect::transport_dbg);
}

void Interconnect::b_transport(int, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const uint64_t addr = gp.get_address();
  if (addr >= kRegBase) {
    gp.set_address(addr - kRegBase);
    to_regs->b_transport(gp, delay);
    gp.set_address(addr);
  } else {  // DRAM serves the DMA engines' two-phase bursts, ordered per cycle
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
  }
}

tlm::tlm_sync_enum Interconnect::nb_transport_fw(int port, tlm::tlm_generic_payload& gp,
                                                 tlm::tlm_phase& phase, sc_core::sc_time& delay) {
  if (gp.get_address() >= kRegBase) {  // registers take single blocking accesses only
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return tlm::TLM_COMPLETED;
  }
  routes_[&gp] = port;
  const tlm::tlm_sync_enum r = to_dram->nb_transport_fw(gp, phase, delay);
  if (r == tlm::TLM_COMPLETED) routes_.erase(&gp);
  return r;
}

tlm::tlm_sync_enum Interconnect::nb_transport_bw(tlm::tlm_generic_payload& gp, tlm::tlm_phase& phase,
                                                 sc_core::sc_time& delay) {
  const auto it = routes_.find(&gp);
  if (it == routes_.end()) throw std::logic_error("interconnect: a response to no request");
  const int port = it->second;
  routes_.erase(it);
  return targets[port]->nb_transport_bw(gp, phase, delay);
}

unsigned Interconnect::transport_dbg(int, tlm::tlm_generic_payload& gp) {
  if (gp.get_address() >= kRegBase) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  return to_dram->transport_dbg(gp);
}

}  // namespace shiftsim::models
