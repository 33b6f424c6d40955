#pragma once
// The floor of the speed benchmark: a network's convolutions as a plain int16 kernel
// (im2col + int32 dot products the compiler vectorises), no simulation, no exactness guard.
#include "quant/network.h"

namespace shiftsim::sim {

// Best wall seconds over `repeat` runs of every conv layer of `net` on random data.
double floor_conv_seconds(const quant::Network& net, int repeat);

}  // namespace shiftsim::sim
