#pragma once
// The AXI interconnect as a TLM router: initiators (host, controller, load and store DMA) bind
// to `targets`; addresses at or above kRegBase go to the controller's registers, the rest to
// DRAM. It adds no delay of its own: DRAM and register timing already include the fabric.
// Register accesses are blocking (b_transport); DMA bursts to DRAM use the two phases
// (nb_transport), and responses go back to the port their request came from.
#include <cstdint>
#include <unordered_map>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

namespace shiftsim::models {

class Interconnect : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<Interconnect> targets;
  tlm_utils::simple_initiator_socket<Interconnect> to_dram;
  tlm_utils::simple_initiator_socket<Interconnect> to_regs;

  explicit Interconnect(sc_core::sc_module_name name);

 private:
  void b_transport(int port, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_fw(int port, tlm::tlm_generic_payload& gp, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& gp, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  // The host's untimed access to DRAM between inferences; registers are not reachable this way.
  unsigned transport_dbg(int port, tlm::tlm_generic_payload& gp);

  std::unordered_map<const tlm::tlm_generic_payload*, int> routes_;  // DRAM requests in flight
};

}  // namespace shiftsim::models
