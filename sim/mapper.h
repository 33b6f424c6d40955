#pragma once
// Network -> accelerator program: where every tensor lives in DRAM, the weight blocks in the
// order the controller reads them, and one descriptor per pass. The program (a DRAM image) is
// the only thing that passes from here into models/.
#include <cstdint>
#include <string>
#include <vector>

#include "models/arch_spec.h"
#include "models/control/program.h"
#include "quant/qnetwork.h"
#include "sim/network_layout.h"

namespace shiftsim::sim {

struct Program {
  std::vector<uint8_t> image;
  uint64_t desc_addr = 0;
  uint32_t desc_count = 0;
  TensorSlot input;
  std::vector<TensorSlot> outputs;           // per network layer (flatten aliases its input)
  std::vector<int> pass_layer;               // descriptor index -> network layer index
  std::vector<models::Descriptor> passes;    // as written into the image
};

// Throws InputError when a layer cannot run on this architecture (a buffer too small for its
// smallest tile), naming the layer and the buffer.
Program map_network(const quant::QuantizedNetwork& qn, const quant::Tensor<int16_t>& input,
                    const models::ArchSpec& arch);

// Reads a tensor back out of a DRAM image.
quant::Tensor<int16_t> read_tensor(const std::vector<uint8_t>& dram, const TensorSlot& slot,
                                   const models::ArchSpec& arch);

}  // namespace shiftsim::sim
