// A build without Verilator has no RTL compute unit: no shape is verilated, and the arch
// config does not offer pe_array.impl = rtl.
#include "models/pe_array/rtl_core.h"

namespace shiftsim::models {

const std::vector<RtlShapeEntry>& rtl_shapes() {
  static const std::vector<RtlShapeEntry> none;
  return none;
}

}  // namespace shiftsim::models
