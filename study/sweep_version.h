#pragma once
// Which shiftsim produced a sweep row: the git commit the build was configured from.
namespace shiftsim::sim {
const char* shiftsim_version();
}
