#pragma once
// What the DRAM target tells a DMA engine about each burst, beside the TLM payload.
#include <cstdint>

#include <tlm>

namespace shiftsim::models {

// The DRAM's timing of a burst, set by the DRAM target: its first and last data cycles.
struct DramAccessExtension : tlm::tlm_extension<DramAccessExtension> {
  uint64_t first = 0, last = 0;
  tlm_extension_base* clone() const override { return new DramAccessExtension(*this); }
  void copy_from(const tlm_extension_base& e) override {
    const auto& o = static_cast<const DramAccessExtension&>(e);
    first = o.first;
    last = o.last;
  }
};

}  // namespace shiftsim::models
