#pragma once
// The machine's resources: every block's own count (models/pe_array/pe_array_resources.h,
// models/buffers/buffer_resources.h, models/postproc/postproc_resources.h,
// models/memory/memory_resources.h, models/control/controller_resources.h, and with
// ResourceOptions::recurrent_units models/recurrent/vector_unit_resources.h and
// register_file.h), listed and
// summed. It sits beside the top module (accelerator.h), above the blocks it lists; what
// the blocks' counts share is in models/resources/. Plain C++, no SystemC.
#include <string>
#include <vector>

#include "models/arch_spec.h"
#include "models/resources/resources.h"

namespace shiftsim::models {

struct ComponentResources {
  std::string name;  // pe_array, window, input_buffer, ...
  Resources use;
  std::string basis;  // one line: how it is counted (calibrated / structural / rough)
};

// Every component of the machine with its resources; sum with total().
std::vector<ComponentResources> estimate_resources(const ArchSpec& spec,
                                                   const ResourceOptions& opt = {});
Resources total(const std::vector<ComponentResources>& parts);

}  // namespace shiftsim::models
