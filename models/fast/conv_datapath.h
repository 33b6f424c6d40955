#pragma once
// Fast mode's PE array (docs/ARCHITECTURE.md §6): Tm lanes x Tn input channels over the full
// K x K kernel, accumulating into the tile's output half. The sums are exact, so the order
// differs freely from the array's piece by piece issue, and a tile's steps are staged (each
// step's window and weights as the step brings them) and multiplied in one go when the tile
// ends: one long reduction per lane and pixel instead of one short one per step. On a 16 x 4
// VPE array a step of AlexNet's conv3 has 36 terms a lane, too few for the vector units; its
// tile has 96 steps, 3456 terms.
#include <cstdint>
#include <vector>

#include "models/arch_spec.h"
#include "models/buffers/buffers.h"
#include "models/control/layer_plan.h"

namespace shiftsim::models {

class ConvDatapath {
 public:
  // A tile whose steps bring `terms` kernel terms a lane in all (sum of nc x K x K); `out`
  // holds its accumulators, bias included.
  void begin_tile(const Descriptor& d, const TilePlan& tile, uint64_t terms, OutputHalf& out);
  // One step: its input window and its weights as numbers, [m][n][ky][kx]
  // (WeightLayout::unpack_values).
  void add_step(const StepPlan& step, const InputHalf& in, const std::vector<int16_t>& values);
  // Adds the staged products to the accumulators.
  void finish_tile();

 private:
  template <uint32_t K>
  void stage_windows(const StepPlan& step, const InputHalf& in);
  void flush();
  void run_scalar();
  void run_dot();
  void run_dot_narrow();
  void run_axpy(bool narrow, size_t chunk);

  OutputHalf* out_ = nullptr;
  uint32_t K_ = 1, S_ = 1, pixels_ = 0, ncol_ = 0, mc_ = 0;
  size_t stride_ = 0;                 // terms a staged row has room for
  size_t used_ = 0;                   // terms staged so far
  int32_t max_w_ = 0;                 // largest |weight| staged
  std::vector<int16_t> cols_;         // im2col, [pixel][term] (stride_ terms a pixel)
  std::vector<int16_t> w_;            // weights, [lane][term] (stride_ terms a lane)
  std::vector<int16_t> hi_, lo_;      // cols_ split (common/exact_dot.h), or transposed for axpy
  std::vector<int32_t> hacc_, lacc_;  // exact int32 partial sums of one lane (axpy)
};

}  // namespace shiftsim::models
