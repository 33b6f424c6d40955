#pragma once
// The SVPE array (n-BQ-NN's shift vector PEs): each product is the activation shifted left by
// the weight code's magnitude - 1 plus the layer's offset for the code's sign (GSNQ's two sign
// windows; 0 without them) and negated when its sign bit is set; magnitude 0 is zero.
// The model keeps each decoded code as the signed power of two the shifter and sign select
// multiply by, so that a lane's products and sum vectorise; the integers are the same.
#include "models/pe_array/pe_array.h"
#include "models/pe_array/weight_registers.h"

namespace shiftsim::models {

class SvpeArray : public PeArray {
 public:
  explicit SvpeArray(const ArchSpec& arch);
  void preload(const std::vector<int32_t>& fields, uint32_t mc, uint32_t nc, uint32_t K, uint32_t py,
               uint32_t px) override;
  void configure_layer(const Descriptor& d) override;
  void swap() override { regs_.swap(); }
  void issue(const int16_t* window, int64_t* sums) const override;
  const char* kind() const override { return "svpe"; }

 private:
  uint32_t k_, bits_;
  uint32_t offset_pos_ = 0, offset_neg_ = 0;  // the layer's sign offsets (two small registers)
  WeightRegisters<int16_t> regs_;  // +-2^(magnitude - 1), or 0
};

}  // namespace shiftsim::models
