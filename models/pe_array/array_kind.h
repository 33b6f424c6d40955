#pragma once
// What makes an SVPE array an SVPE array and a VPE array a VPE array, beyond the datapath that
// computes its sums (pe_array.h): the weight code its convolvers hold and the widths that code
// allows, the product's width, what one product is built from (its resources) and what it does
// when it fires (its activity, which the energy model prices). One object per kind
// (svpe_kind.cpp, vpe_kind.cpp). Everything outside models/pe_array/ asks it instead of
// branching on ArrayKind; this header's lookup is the one place that does.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/arch_spec.h"
#include "models/pe_array/pe_array.h"
#include "models/resources/resources.h"

namespace shiftsim::models {

struct Actions;

// How a weight is held in DRAM and in the convolvers' registers.
enum class WeightCode {
  pow2_sign_magnitude,  // sign bit on top, magnitude m: 0 is zero, m > 0 is 2^(m-1)
  twos_complement,      // the value, sign-extended from whole bytes in DRAM
};

class ArrayKindModel {
 public:
  virtual ~ArrayKindModel() = default;
  virtual ArrayKind kind() const = 0;
  virtual const char* name() const = 0;           // as the arch config spells it
  virtual const char* description() const = 0;    // one line for `describe`
  virtual WeightCode weight_code() const = 0;

  // numerics.weight_bits this array accepts: the one statement of the limit, which the arch
  // config, the resource model and the weight layout all use. `weight_bits_why` says where the
  // bound comes from, for error messages.
  virtual uint32_t min_weight_bits() const = 0;
  virtual uint32_t max_weight_bits() const = 0;
  virtual const char* weight_bits_why() const = 0;
  virtual uint32_t default_weight_bits() const = 0;
  virtual uint32_t default_product_stages() const = 0;

  // Bits one weight occupies in a DRAM weight block.
  virtual uint32_t weight_element_bits(uint32_t weight_bits) const = 0;
  // Width of a product entering the adder tree (act_bits, weight_bits, and for the SVPE the
  // sign offsets its code may add to the shift).
  virtual uint32_t product_bits(const NumericsSpec& n) const = 0;
  // One product with `stages` register stages (calibrated: docs/RESOURCES.md).
  virtual Resources product(const NumericsSpec& n, uint32_t stages) const = 0;
  // Per lane: the registers that hold the layer's weight-code settings (SVPE sign offsets).
  virtual Resources lane_code_registers(const NumericsSpec& n) const { (void)n; return {}; }
  // Per window element: what the window unit adds for the weight code (SVPE: a << offset).
  virtual Resources window_element_extra(const NumericsSpec& n) const { (void)n; return {}; }
  // Whether the product's last register is a fabric FF that an adder tree's pass-through
  // chain can absorb (a DSP's output register is not).
  virtual bool product_register_in_fabric(uint32_t stages) const = 0;
  // Fabric FFs of one convolver element's two weight register sets.
  virtual double weight_register_ffs(uint32_t weight_bits) const = 0;
  // What one product does when it fires, given what it is built from (`one`).
  virtual void count_product(const Resources& one, uint32_t act_bits, uint32_t weight_bits,
                             double products, Actions& pe) const = 0;

  // The datapath that computes this array's sums.
  virtual std::unique_ptr<PeArray> make_datapath(const ArchSpec& arch) const = 0;
};

const ArrayKindModel& array_kind_model(ArrayKind kind);
inline const ArrayKindModel& array_kind_model(const ArchSpec& arch) { return array_kind_model(arch.pe_array.kind); }
// Every kind, in the order the arch config lists them.
const std::vector<const ArrayKindModel*>& array_kind_models();
// The kind named `name`, or nullptr.
const ArrayKindModel* find_array_kind(const std::string& name);

}  // namespace shiftsim::models
