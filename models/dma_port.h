#pragma once
// A DMA channel's bus side: moves one contiguous range through a TLM initiator socket in AXI
// bursts, spending each burst's cycles as it completes.
#include <cstdint>
#include <vector>

#include <tlm>

#include "models/dram_timing.h"
#include "models/pipeline.h"

namespace shiftsim::models {

class DmaPort {
 public:
  DmaPort(tlm::tlm_initiator_socket<>& socket, Pipeline& pipe, const DramTiming& timing)
      : socket_(socket), pipe_(pipe), timing_(timing) {}

  void transfer(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, uint64_t bytes);

 private:
  tlm::tlm_initiator_socket<>& socket_;
  Pipeline& pipe_;
  const DramTiming& timing_;
  std::vector<Burst> bursts_;
  tlm::tlm_generic_payload gp_;
};

}  // namespace shiftsim::models
