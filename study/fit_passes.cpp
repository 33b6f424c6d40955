#include "study/fit_passes.h"

#include "sim/layer_passes.h"

namespace shiftsim::sim {

using models::Descriptor;
using quant::LayerType;

std::vector<FitPass> fit_passes(const quant::Network& net) {
  std::vector<FitPass> out;
  // Shapes of every layer's output as the mapper sees them (flatten aliases its input).
  auto shape_of = [&](int idx) { return idx == quant::kNetworkInput ? net.input : net.layers[size_t(idx)].out_shape; };
  for (size_t li = 0; li < net.layers.size(); ++li) {
    const quant::Layer& l = net.layers[li];
    if (l.type == LayerType::flatten) continue;
    const std::vector<Descriptor> ds = layer_pass_shapes(l, uint32_t(li), shape_of);
    for (size_t i = 0; i < ds.size(); ++i) {
      FitPass p;
      p.desc = ds[i];
      p.index = uint32_t(out.size());
      p.layer = int(li);
      p.conv_layer = l.type == LayerType::conv;
      p.macs = i == 0 ? uint64_t(quant::layer_macs(l)) : 0;
      out.push_back(p);
    }
  }
  return out;
}

}  // namespace shiftsim::sim
