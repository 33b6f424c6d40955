#pragma once
// The PE array's datapath (docs/ARCHITECTURE.md §6): Tm lanes x Tn elements, each element a
// k x k convolver with two weight register sets (the active one the products use, the shadow
// one the next piece preloads into). One issue takes one k x k window per input channel and
// gives each lane the sum of its Tn k^2 products. The SVPE (shift) and VPE (multiply) arrays
// are the two implementations; nothing outside them knows which one runs.
#include <cstdint>
#include <memory>
#include <vector>

#include "models/arch_spec.h"
#include "models/control/program.h"

namespace shiftsim::models {

class PeArray {
 public:
  virtual ~PeArray() = default;
  // Loads piece (py, px) of a K x K kernel into the shadow registers from a weight block as
  // stored (WeightLayout::unpack: one field per element, [m][n][ky][kx], mc x nc channels).
  // Kernel positions beyond K hold zero.
  virtual void preload(const std::vector<int32_t>& fields, uint32_t mc, uint32_t nc, uint32_t K,
                       uint32_t py, uint32_t px) = 0;
  // A conv layer starts: the array latches what its descriptor sets for the weight code (the
  // SVPE's per-sign exponent offsets; nothing for the VPE).
  virtual void configure_layer(const Descriptor& d) { (void)d; }
  // The shadow set becomes the active one (at a round's first issue).
  virtual void swap() = 0;
  // One issue: `window` holds nc x k x k activations ([n][a][b]); sums[m] for the mc lanes.
  virtual void issue(const int16_t* window, int64_t* sums) const = 0;
  virtual const char* kind() const = 0;
};

std::unique_ptr<PeArray> make_pe_array(const ArchSpec& arch);

}  // namespace shiftsim::models
