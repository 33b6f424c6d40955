#pragma once
// The accelerator passes of a network as shapes only, for `shiftsim fit`: the descriptors the
// mapper (sim/mapper.cpp) would write, without weights, bias or requantization shifts, which
// change no cycle count. Building the mapper's program for every candidate would quantize and
// encode all weights each time (AlexNet: 61 M of them); this takes microseconds.
#include <cstdint>
#include <string>
#include <vector>

#include "models/arch_spec.h"
#include "models/control/program.h"
#include "quant/network.h"

namespace shiftsim::sim {

struct FitPass {
  // As the mapper writes it (sim/network_layout.h): shapes and DRAM addresses; without
  // weights, bias or requantization shifts, which change no cycle count. tile_rows /
  // tile_cols are left to the arch.
  models::Descriptor desc;
  uint32_t index = 0;           // descriptor index: the fetch reads desc_addr + 160 * index
  int layer = 0;                // network layer it belongs to
  bool conv_layer = false;      // a `conv` layer (not fc): the fit's objective counts these
  uint64_t macs = 0;            // the layer's MACs on its first pass, else 0
};

// One pass per layer (concat: one per input, flatten: none), in the mapper's order and at its
// addresses, which depend on the array's shape (k: fully connected layers fold onto k x k
// convolvers; Tm, Tn and the weight width: the weight blocks' sizes).
std::vector<FitPass> fit_passes(const quant::Network& net, const models::ArchSpec& arch);

}  // namespace shiftsim::sim
