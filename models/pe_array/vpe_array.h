#pragma once
// The VPE array (n-BQ-NN's multiplier vector PEs): each product is activation x weight on a
// DSP48E2 multiplier, weights as two's complement values.
#include "models/pe_array/pe_array.h"
#include "models/pe_array/weight_registers.h"

namespace shiftsim::models {

class VpeArray : public PeArray {
 public:
  explicit VpeArray(const ArchSpec& arch);
  void preload(const std::vector<int32_t>& fields, uint32_t mc, uint32_t nc, uint32_t K, uint32_t py,
               uint32_t px) override;
  void swap() override { regs_.swap(); }
  void issue(const int16_t* window, int64_t* sums) const override;
  const char* kind() const override { return "vpe"; }

 private:
  uint32_t k_;
  WeightRegisters<int16_t> regs_;  // two's complement values of up to 16 bits
};

}  // namespace shiftsim::models
