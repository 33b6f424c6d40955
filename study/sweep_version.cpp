#include "study/sweep_version.h"

#ifndef SHIFTSIM_GIT_DESCRIBE
#define SHIFTSIM_GIT_DESCRIBE "unknown"
#endif

namespace shiftsim::sim {
const char* shiftsim_version() { return "shiftsim " SHIFTSIM_GIT_DESCRIBE; }
}  // namespace shiftsim::sim
