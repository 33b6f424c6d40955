#pragma once
// An independent check of a DDR4 command log against docs/MEMORY.md's rules, for the tests.
#include <string>
#include <vector>

#include "models/memory/ddr4_timing.h"

namespace shiftsim::models {

// The first violation in `log` (any order; sorted by cycle here), or "" when there is none.
std::string first_violation(std::vector<Ddr4Command> log, const Ddr4Spec& s);

}  // namespace shiftsim::models
