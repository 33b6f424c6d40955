#include "sim/layer_passes.h"

#include <stdexcept>

#include "models/control/layer_plan.h"

namespace shiftsim::sim {

using models::Descriptor;
using models::Op;
using quant::LayerType;

std::vector<Descriptor> layer_pass_shapes(const quant::Layer& l, uint32_t layer_id, uint32_t array_kernel,
                                          const std::function<quant::Shape(int)>& shape_of) {
  std::vector<Descriptor> ds;
  if (l.type == LayerType::flatten) return ds;
  const quant::Shape in = shape_of(l.inputs.at(0));
  Descriptor d;
  d.layer_id = layer_id;
  d.in_c = uint32_t(in.c);
  d.in_h = uint32_t(in.h);
  d.in_w = uint32_t(in.w);
  d.out_c = d.out_c_total = uint32_t(l.out_shape.c);
  d.out_h = uint32_t(l.out_shape.h);
  d.out_w = uint32_t(l.out_shape.w);
  d.relu = l.relu ? 1 : 0;
  switch (l.type) {
    case LayerType::conv:
    case LayerType::fc:
      d.op = Op::conv;
      if (l.type == LayerType::fc) {  // the flattened input folded into k x k planes
        const uint64_t k2 = uint64_t(array_kernel) * array_kernel;
        d.in_c = uint32_t((uint64_t(in.elements()) + k2 - 1) / k2);
        d.in_h = d.in_w = d.kernel = array_kernel;
      } else {
        d.kernel = uint32_t(l.kernel);
        d.stride = uint32_t(l.stride);
        d.pad = uint32_t(l.pad);
        d.groups = uint32_t(l.groups);
      }
      ds.push_back(d);
      break;
    case LayerType::maxpool:
    case LayerType::avgpool:
      d.op = l.type == LayerType::maxpool ? Op::maxpool : Op::avgpool;
      d.kernel = uint32_t(l.kernel);
      d.stride = uint32_t(l.stride);
      d.pad = uint32_t(l.pad);
      ds.push_back(d);
      break;
    case LayerType::add:
      d.op = Op::eltwise;
      d.inputs = 2;
      ds.push_back(d);
      break;
    case LayerType::relu:
      d.op = Op::eltwise;
      ds.push_back(d);
      break;
    case LayerType::concat: {
      uint32_t offset = 0;
      for (int src : l.inputs) {
        Descriptor part = d;
        part.op = Op::eltwise;
        part.in_c = part.out_c = uint32_t(shape_of(src).c);
        part.out_c_offset = offset;
        offset += part.in_c;
        ds.push_back(part);
      }
      break;
    }
    case LayerType::flatten:
      break;
    case LayerType::lstm:
    case LayerType::gru:
    case LayerType::embedding:
      // The CNN quantizer refuses sequence layers first; the accelerator has no pass for them yet.
      throw std::logic_error("layer " + l.name + ": no accelerator pass for a sequence layer");
  }
  return ds;
}

std::vector<Descriptor> network_pass_shapes(const quant::Network& net, uint32_t array_kernel) {
  // Shapes of every layer's output as the mapper sees them (flatten aliases its input).
  auto shape_of = [&](int idx) { return idx == quant::kNetworkInput ? net.input : net.layers[size_t(idx)].out_shape; };
  std::vector<Descriptor> out;
  for (size_t li = 0; li < net.layers.size(); ++li) {
    const LayerType t = net.layers[li].type;
    // Sequence layers have no pass; the run refuses them with its own message.
    if (t == LayerType::lstm || t == LayerType::gru || t == LayerType::embedding) continue;
    for (const Descriptor& d : layer_pass_shapes(net.layers[li], uint32_t(li), array_kernel, shape_of)) out.push_back(d);
  }
  return out;
}

void size_output_entries(ArchConfig& cfg, const quant::Network& net) {
  const uint32_t g = models::network_guard_bits(network_pass_shapes(net, cfg.arch.pe_array.kernel), cfg.arch);
  cfg.arch.numerics.acc_guard_bits = g;
}

}  // namespace shiftsim::sim
