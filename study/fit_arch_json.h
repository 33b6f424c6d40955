#pragma once
// An ArchSpec written back as an arch file (configs/arch/*.json layout), for `shiftsim fit`'s
// output. Every parameter is written, so the file does not depend on the reader's defaults;
// parse_arch reads it back to the same spec (tests/sim/test_fit.cpp).
#include <nlohmann/json.hpp>
#include <string>

#include "models/arch_spec.h"
#include "models/resources/resources.h"

namespace shiftsim::sim {

// `resources` becomes the file's "resources" section (dsp_counting, buffers_in_uram), which
// run's start check costs the machine with.
nlohmann::ordered_json arch_to_json(const models::ArchSpec& a, const std::string& description,
                                    const std::string& device_ref,
                                    const models::ResourceOptions& resources = {},
                                    const std::string& memory_ref = "");

// True when every field parse_arch reads is equal (the name included; a DDR4 channel by its
// timings, geometry and address map).
bool same_arch(const models::ArchSpec& x, const models::ArchSpec& y);

}  // namespace shiftsim::sim
