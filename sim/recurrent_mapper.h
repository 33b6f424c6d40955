#pragma once
// Sequence network -> accelerator program (docs/ARCHITECTURE.md §11): per lstm/gru layer one
// descriptor for the recurrent unit, its header, biases, initial states and weight blocks
// (each matrix-vector product's, packed for the PE array as a conv layer's), and int16 tensors
// in DRAM. The program is the only thing that passes into models/.
#include <cstdint>
#include <string>
#include <vector>

#include "models/arch_spec.h"
#include "models/control/program.h"
#include "quant/recurrent_qnetwork.h"
#include "sim/mapper.h"

namespace shiftsim::sim {

struct RecurrentProgram {
  std::vector<uint8_t> image;
  uint64_t desc_addr = 0;
  uint32_t desc_count = 0;
  TensorSlot input;
  std::vector<TensorSlot> outputs;  // per network layer
  std::vector<int> pass_layer;      // descriptor index -> network layer index
  std::vector<models::Descriptor> passes;
  std::vector<bool> resident;       // per pass: the layer's weights stay on chip
};

// InputError "<where>: layer NAME (kind): problem" for a network or layer this machine cannot
// run: an embedding or fc layer (not on the accelerator yet), matrices the array cannot take
// (power-of-two codes on the SVPE array within numerics.weight_bits, integers within
// numerics.weight_bits on the VPE array), activations wider than numerics.act_bits, model
// accumulators wider than numerics.acc_bits, more rows than the recurrent unit's register
// file holds (recurrent.max_rows: models::recurrent_rows, an lstm's or gru's gate blocks
// gate-aligned to the lanes, an fc's outputs, an embedding's dim), or a row tile of streamed
// weights larger than one half of the weight buffer.
void check_recurrent_fits_arch(const quant::RecurrentQuantizedNetwork& qn, const models::ArchSpec& arch,
                               const std::string& where);

RecurrentProgram map_recurrent_network(const quant::RecurrentQuantizedNetwork& qn,
                                       const quant::Tensor<int32_t>& input, const models::ArchSpec& arch,
                                       const std::string& where);

// A sequence tensor (int16 per element) into / out of DRAM.
void write_sequence_tensor(uint8_t* dst, const quant::Tensor<int32_t>& t);
quant::Tensor<int32_t> read_sequence_tensor(const uint8_t* src, const quant::Shape& shape);

}  // namespace shiftsim::sim
