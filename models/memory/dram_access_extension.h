#pragma once
// What a DMA engine and the DRAM target tell each other about a burst, beside the TLM payload.
#include <cstdint>

#include <tlm>

#include "models/memory/dram_initiator.h"

namespace shiftsim::models {

struct DramAccessExtension : tlm::tlm_extension<DramAccessExtension> {
  DramInitiator initiator = DramInitiator::fetch;  // set by the engine
  uint32_t tag = 0;                                // the engine's own burst slot
  uint64_t first = 0, last = 0;                    // set by the DRAM: first and last data cycles
  tlm_extension_base* clone() const override { return new DramAccessExtension(*this); }
  void copy_from(const tlm_extension_base& e) override {
    *this = static_cast<const DramAccessExtension&>(e);
  }
};

}  // namespace shiftsim::models
