#include "models/pe_array/vpe_array.h"

#include "models/pe_array/lane_dot.h"

namespace shiftsim::models {

VpeArray::VpeArray(const ArchSpec& arch) : k_(arch.pe_array.kernel) {}

void VpeArray::preload(const std::vector<int32_t>& fields, uint32_t mc, uint32_t nc, uint32_t K,
                       uint32_t py, uint32_t px) {
  regs_.preload(fields, mc, nc, K, k_, py, px, int16_t(0), [](int32_t v) { return int16_t(v); });
}

void VpeArray::issue(const int16_t* window, int64_t* sums) const {
  lane_dots(window, regs_.lane(0), regs_.lanes(), regs_.elements(),
            lane_sum_fits_int32(regs_.elements(), regs_.max_abs()), sums);
}

}  // namespace shiftsim::models
