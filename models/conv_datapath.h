#pragma once
// The PE array's arithmetic for one step (docs/ARCHITECTURE.md §6), in plain C++:
// Tm lanes x Tn vector elements, each a k x k convolver, accumulating into the tile's output
// half. `run_all` computes a whole step at once (fast mode); `cycle` computes exactly the
// products of one clock (cycle mode): one output pixel, one k x k piece of the kernel, all lanes
// and elements, SVPE products as shifts with sign select, VPE products as multiplies.
#include <cstdint>
#include <vector>

#include "models/arch_spec.h"
#include "models/buffers.h"
#include "models/layer_plan.h"

namespace shiftsim::models {

class ConvDatapath {
 public:
  explicit ConvDatapath(const ArchSpec& arch) : arch_(arch) {}

  void begin(const Descriptor& d, const TilePlan& tile, const StepPlan& step, const InputHalf& in,
             OutputHalf& out);
  uint64_t issue_cycles() const { return uint64_t(pieces_) * pixels_; }
  // values: the step's weights as numbers, [m][n][ky][kx] (WeightLayout::unpack_values).
  void run_all(const std::vector<int16_t>& values);
  // fields: the step's weights as stored, codes for SVPE (WeightLayout::unpack); i in
  // [0, issue_cycles()).
  void cycle(uint64_t i, const std::vector<int32_t>& fields);

 private:
  void run_scalar(const std::vector<int16_t>& values);
  void run_dot(const std::vector<int16_t>& values, size_t chunk);
  void run_axpy(const std::vector<int16_t>& values, size_t chunk);
  void load_piece(uint32_t piece, const std::vector<int32_t>& fields);
  int64_t lane_sum(uint32_t m) const;

  const ArchSpec& arch_;
  const InputHalf* in_ = nullptr;
  OutputHalf* out_ = nullptr;
  uint32_t K_ = 1, S_ = 1, k_ = 1, kp_ = 1, pieces_ = 1, pixels_ = 0, ncol_ = 0, mc_ = 0, nc_ = 0;
  bool pow2_ = false;
  // Cycle mode: weight registers of the current piece and the gathered input window.
  uint32_t piece_ = UINT32_MAX;
  uint32_t e_ = 0;                      // nc * k * k elements per lane
  std::vector<int32_t> wreg_;           // VPE: value; SVPE: unused
  std::vector<int32_t> shift_, neg_, nz_;  // SVPE: per element shift, sign mask, nonzero mask
  std::vector<int16_t> win_;
  std::vector<int16_t> hi_, lo_;        // fast mode: im2col (dot: [pixel][term], axpy: [term][pixel]), split
  std::vector<int32_t> hacc_, lacc_;    // fast mode: exact int32 partial sums of one lane
  std::vector<int16_t> gather_;         // fast mode: one pixel's window
};

}  // namespace shiftsim::models
