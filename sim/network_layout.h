#pragma once
// Where a network's program puts everything in DRAM (docs/ARCHITECTURE.md §2): the
// descriptors, the input tensor, then per layer its output tensor and, per conv/fc pass, its
// weight blocks and bias, each region on a 4 KiB boundary. A pure function of the shapes and
// the machine: the mapper fills these regions, and `fit` and the sweep's model engine time the
// passes at the same addresses, so that the DDR4's banks and rows see what `run` gives them.
#include <cstdint>
#include <vector>

#include "models/arch_spec.h"
#include "models/control/program.h"
#include "quant/network.h"

namespace shiftsim::sim {

struct TensorSlot {
  uint64_t addr = 0;
  quant::Shape shape;
};

struct NetworkLayout {
  uint64_t desc_addr = 0;
  uint32_t desc_count = 0;
  TensorSlot input;
  std::vector<TensorSlot> outputs;  // per network layer (flatten aliases its input)
  // Per network layer, its passes (layer_pass_shapes) with their tensor, weight and bias
  // addresses; sequence layers have none.
  std::vector<std::vector<models::Descriptor>> passes;
  uint64_t image_bytes = 0;         // the image's size: the end of the last region
};

NetworkLayout layout_network(const quant::Network& net, const models::ArchSpec& arch);

}  // namespace shiftsim::sim
