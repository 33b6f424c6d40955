#include "models/simulation.h"

#include "models/accelerator.h"
#include "models/fast/fast_machine.h"

namespace shiftsim::models {

SimResult simulate(const ArchSpec& arch, std::vector<uint8_t> image, uint64_t desc_addr,
                   uint32_t desc_count, const SimOptions& options, std::vector<uint8_t>& dram_out) {
  if (options.mode == SimMode::fast)
    return simulate_fast(arch, std::move(image), desc_addr, desc_count, options, dram_out);
  return simulate_cycle(arch, std::move(image), desc_addr, desc_count, options, dram_out);
}

}  // namespace shiftsim::models
