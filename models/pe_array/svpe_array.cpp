#include "models/pe_array/svpe_array.h"

#include "models/pe_array/lane_dot.h"

namespace shiftsim::models {

SvpeArray::SvpeArray(const ArchSpec& arch) : k_(arch.pe_array.kernel), bits_(arch.numerics.weight_bits) {}

void SvpeArray::configure_layer(const Descriptor& d) {
  offset_pos_ = d.w_offset_pos;
  offset_neg_ = d.w_offset_neg;
}

void SvpeArray::preload(const std::vector<int32_t>& fields, uint32_t mc, uint32_t nc, uint32_t K,
                        uint32_t py, uint32_t px) {
  const uint32_t bits = bits_, mag_mask = (1u << (bits - 1)) - 1;
  // The shift m - 1 + offset is at most 14 (the arch's limit): the signed value fits int16.
  regs_.preload(fields, mc, nc, K, k_, py, px, int16_t(0), [&](int32_t code) {
    const uint32_t mag = uint32_t(code) & mag_mask;
    if (mag == 0) return int16_t(0);
    const bool neg = (uint32_t(code) >> (bits - 1)) & 1;
    const int32_t v = int32_t(1) << (mag - 1 + (neg ? offset_neg_ : offset_pos_));
    return int16_t(neg ? -v : v);
  });
}

void SvpeArray::issue(const int16_t* window, int64_t* sums) const {
  lane_dots(window, regs_.lane(0), regs_.lanes(), regs_.elements(),
            lane_sum_fits_int32(regs_.elements(), regs_.max_abs()), sums);
}

}  // namespace shiftsim::models
