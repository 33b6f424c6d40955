#pragma once
// The two weight register sets of an array's convolvers, [m][n][a][b] over Tm x Tn x k x k,
// holding whatever each array decodes a stored weight field into.
#include <cstdint>
#include <algorithm>
#include <utility>
#include <vector>

namespace shiftsim::models {

template <class Reg>
class WeightRegisters {
 public:
  // Decodes piece (py, px) of a K x K kernel into the shadow set with decode(field) -> Reg;
  // positions beyond K and channels beyond mc x nc hold `zero`.
  template <class Decode>
  void preload(const std::vector<int32_t>& fields, uint32_t mc, uint32_t nc, uint32_t K, uint32_t k,
               uint32_t py, uint32_t px, Reg zero, Decode decode) {
    mc_next_ = mc;
    nc_next_ = nc;
    k_ = k;
    const uint32_t k2 = k * k;
    shadow_.assign(size_t(mc) * nc * k2, zero);
    for (uint32_t m = 0; m < mc; ++m)
      for (uint32_t n = 0; n < nc; ++n)
        for (uint32_t a = 0; a < k; ++a)
          for (uint32_t b = 0; b < k; ++b) {
            const uint32_t ky = py * k + a, kx = px * k + b;
            if (ky >= K || kx >= K) continue;
            shadow_[(size_t(m) * nc + n) * k2 + a * k + b] =
                decode(fields[((size_t(m) * nc + n) * K + ky) * K + kx]);
          }
  }
  void swap() {
    std::swap(active_, shadow_);
    mc_ = mc_next_;
    nc_ = nc_next_;
    max_abs_ = 0;
    for (const Reg& r : active_) max_abs_ = std::max<int32_t>(max_abs_, r < 0 ? -int32_t(r) : int32_t(r));
  }
  // The largest magnitude in the active set (bounds a lane's sum).
  int32_t max_abs() const { return max_abs_; }
  const Reg* lane(uint32_t m) const { return active_.data() + size_t(m) * elements(); }
  uint32_t lanes() const { return mc_; }
  uint32_t elements() const { return nc_ * k_ * k_; }

 private:
  std::vector<Reg> active_, shadow_;
  uint32_t mc_ = 0, nc_ = 0, mc_next_ = 0, nc_next_ = 0, k_ = 1;
  int32_t max_abs_ = 0;
};

}  // namespace shiftsim::models
