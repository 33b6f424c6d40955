#pragma once
// Fast mode's PE array: a whole step's products at once (docs/ARCHITECTURE.md §6), Tm lanes x
// Tn input channels over the full K x K kernel, accumulating into the tile's output half. The
// sums are exact, so the order differs freely from the array's piece by piece issue.
#include <cstdint>
#include <vector>

#include "models/arch_spec.h"
#include "models/buffers/buffers.h"
#include "models/control/layer_plan.h"

namespace shiftsim::models {

class ConvDatapath {
 public:

  void begin(const Descriptor& d, const TilePlan& tile, const StepPlan& step, const InputHalf& in,
             OutputHalf& out);
  // values: the step's weights as numbers, [m][n][ky][kx] (WeightLayout::unpack_values).
  void run_all(const std::vector<int16_t>& values);

 private:
  void run_scalar(const std::vector<int16_t>& values);
  void run_dot(const std::vector<int16_t>& values, size_t chunk);
  void run_dot_narrow(const std::vector<int16_t>& values);
  void run_axpy(const std::vector<int16_t>& values, size_t chunk);
  void run_axpy_narrow(const std::vector<int16_t>& values);

  const InputHalf* in_ = nullptr;
  OutputHalf* out_ = nullptr;
  uint32_t K_ = 1, S_ = 1, pixels_ = 0, ncol_ = 0, mc_ = 0, nc_ = 0;
  std::vector<int16_t> hi_, lo_;        // im2col (dot: [pixel][term], axpy: [term][pixel]), split
  std::vector<int32_t> hacc_, lacc_;    // exact int32 partial sums of one lane
  std::vector<int16_t> gather_;         // one pixel's window
};

}  // namespace shiftsim::models
