#pragma once
// `pe_array.impl`: which compute unit the cycle-mode machine builds, the native SystemC one
// (compute_unit.h) or the Verilated RTL (rtl_compute_unit.h), and which machines the RTL can
// stand in for: only the shapes this build verilated (rtl_shapes()).
#include <memory>
#include <string>

#include "models/pe_array/compute_unit.h"
#include "models/pe_array/rtl_core.h"

namespace shiftsim::models {

// The verilated shape that implements `arch`'s compute unit, or nullptr.
const RtlShapeEntry* find_rtl_shape(const ArchSpec& arch);
// Why no verilated shape implements `arch` (naming the ones that exist), or "" when one does.
std::string rtl_refusal(const ArchSpec& arch);
// Throws std::invalid_argument with rtl_refusal's message when impl is rtl and no shape fits.
std::unique_ptr<ComputeUnitPorts> make_compute_unit(const char* name, UnitEnv& env);

}  // namespace shiftsim::models
