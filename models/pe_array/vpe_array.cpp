#include "models/pe_array/vpe_array.h"

namespace shiftsim::models {

VpeArray::VpeArray(const ArchSpec& arch) : k_(arch.pe_array.kernel) {}

void VpeArray::preload(const std::vector<int32_t>& fields, uint32_t mc, uint32_t nc, uint32_t K,
                       uint32_t py, uint32_t px) {
  regs_.preload(fields, mc, nc, K, k_, py, px, 0, [](int32_t v) { return v; });
}

void VpeArray::issue(const int16_t* window, int64_t* sums) const {
  const uint32_t e = regs_.elements();
  for (uint32_t m = 0; m < regs_.lanes(); ++m) {
    const int32_t* w = regs_.lane(m);
    int64_t sum = 0;
    for (uint32_t i = 0; i < e; ++i) sum += int64_t(int32_t(window[i]) * w[i]);
    sums[m] = sum;
  }
}

}  // namespace shiftsim::models
