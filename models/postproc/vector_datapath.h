#pragma once
// The pooling and element-wise unit (docs/ARCHITECTURE.md §8): one lane per PE-array lane
// (channel), each lane reading one input element per cycle. Max pooling ignores padding; average
// pooling counts padding as zero and divides by K*K rounding half up; element-wise aligns its
// inputs with left shifts and adds them (the PPU then shifts right, rounds, applies ReLU).
#include <cstdint>
#include <vector>

#include "models/buffers/buffers.h"
#include "models/control/layer_plan.h"

namespace shiftsim::models {

class VectorDatapath {
 public:
  void begin(const Descriptor& d, const TilePlan& tile, const InputHalf& in, OutputHalf& out);
  uint64_t issue_cycles() const { return uint64_t(pixels_) * per_pixel_; }
  void run_all();
  void cycle(uint64_t i);

 private:
  int64_t element(uint32_t m, uint32_t p, uint32_t e, bool& valid) const;
  void finish_pixel(uint32_t m, uint32_t p);

  const Descriptor* d_ = nullptr;
  const InputHalf* in_ = nullptr;
  OutputHalf* out_ = nullptr;
  uint32_t pixels_ = 0, per_pixel_ = 1, ncol_ = 0, mc_ = 0;
  std::vector<int64_t> run_;  // per lane: running max or sum
  std::vector<uint8_t> seen_;
};

}  // namespace shiftsim::models
