#pragma once
// `run --model FILE`: a quantized model (from `shiftsim quantize`) instead of generated weights,
// checked against the architecture that is to run it, and the input it runs on.
#include <cstdint>
#include <string>

#include "models/arch_spec.h"
#include "quant/qnetwork.h"

namespace shiftsim::sim {

// Throws InputError naming every way the model's number formats differ from what the arch's
// datapath computes (weight kind, weight bits, act_bits, acc_bits, overflow policy), with the
// --set that would make them agree.
void check_model_fits_arch(const quant::QuantizedNetwork& qn, const models::ArchSpec& arch,
                           const std::string& model_path);

// Test image `index` of Fashion-MNIST, quantized to the model's input format; the model's input
// must be 1 x 28 x 28.
quant::Tensor<int16_t> fashion_mnist_input(const quant::QuantizedNetwork& qn, uint64_t index,
                                           uint8_t* label = nullptr);

}  // namespace shiftsim::sim
