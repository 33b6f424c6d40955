#pragma once
// The floor of the speed benchmark: a network's layers as plain int16 kernels (convolutions by
// im2col + int32 dot products the compiler vectorises, fully connected layers as a
// matrix-vector product, pooling as loops), no simulation, no exactness guard.
#include "quant/network.h"

namespace shiftsim::sim {

// Best wall seconds over `repeat` runs of every conv layer of `net` on random data.
double floor_conv_seconds(const quant::Network& net, int repeat);
// The same over every layer that computes: conv, fc and pooling (ReLU, add, concat and
// flatten are folded into their neighbours or move no arithmetic worth timing).
double floor_network_seconds(const quant::Network& net, int repeat);

}  // namespace shiftsim::sim
