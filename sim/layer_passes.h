#pragma once
// The passes of one network layer as shapes: the part of the descriptors that the mapper
// (sim/mapper.cpp), which adds addresses, weights and requantization shifts, and `shiftsim fit`
// (sim/fit_passes.cpp), which times shapes alone, build alike.
#include <cstdint>
#include <functional>
#include <vector>

#include "models/control/program.h"
#include "quant/network.h"
#include "sim/arch_config.h"

namespace shiftsim::sim {

// The descriptors of layer `l` (index `layer_id`): op, input and output shapes, kernel, stride,
// pad and groups, relu as the layer says, two inputs for add. fc is folded onto the array's
// k x k convolvers (docs/ARCHITECTURE.md §2): its N = C*H*W inputs read as ceil(N/k^2) channels
// of k x k, a k x k kernel and a 1 x 1 output; concat gives one element-wise pass per input
// (in_c = out_c = that input's channels, out_c_offset where they go); flatten gives none.
// array_kernel is pe_array.kernel (k); shape_of(idx) is the shape of layer idx's output, or of
// the network input for quant::kNetworkInput.
std::vector<models::Descriptor> layer_pass_shapes(const quant::Layer& l, uint32_t layer_id, uint32_t array_kernel,
                                                  const std::function<quant::Shape(int)>& shape_of);

// Every pass of the network, in program order (sequence layers have none).
std::vector<models::Descriptor> network_pass_shapes(const quant::Network& net, uint32_t array_kernel);

// Sizes the machine's output-buffer entries for the network: the guard bits above acc_bits
// that its largest exact sum needs (docs/ARCHITECTURE.md §6); tiling and the resource model
// read them from the arch.
void size_output_entries(ArchConfig& cfg, const quant::Network& net);

}  // namespace shiftsim::sim
