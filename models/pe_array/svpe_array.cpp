#include "models/pe_array/svpe_array.h"

namespace shiftsim::models {

SvpeArray::SvpeArray(const ArchSpec& arch) : k_(arch.pe_array.kernel), bits_(arch.numerics.weight_bits) {}

void SvpeArray::preload(const std::vector<int32_t>& fields, uint32_t mc, uint32_t nc, uint32_t K,
                        uint32_t py, uint32_t px) {
  const uint32_t bits = bits_, mag_mask = (1u << (bits - 1)) - 1;
  regs_.preload(fields, mc, nc, K, k_, py, px, Shift{}, [&](int32_t code) {
    const uint32_t mag = uint32_t(code) & mag_mask;
    Shift s;
    s.nz = mag ? -1 : 0;
    s.shift = mag ? int32_t(mag - 1) : 0;
    s.neg = (uint32_t(code) >> (bits - 1)) & 1 ? -1 : 0;
    return s;
  });
}

void SvpeArray::issue(const int16_t* window, int64_t* sums) const {
  const uint32_t e = regs_.elements();
  for (uint32_t m = 0; m < regs_.lanes(); ++m) {
    const Shift* w = regs_.lane(m);
    int64_t sum = 0;
    for (uint32_t i = 0; i < e; ++i) {
      // shift (as a multiply by 2^s: C++17 leaves << of a negative value undefined), then
      // select the sign: two's complement negate is (x ^ -1) - (-1)
      const int32_t shifted = (int32_t(window[i]) * (1 << w[i].shift)) & w[i].nz;
      sum += (shifted ^ w[i].neg) - w[i].neg;
    }
    sums[m] = sum;
  }
}

}  // namespace shiftsim::models
