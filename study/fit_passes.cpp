#include "study/fit_passes.h"

#include "sim/network_layout.h"

namespace shiftsim::sim {

using quant::LayerType;

std::vector<FitPass> fit_passes(const quant::Network& net, const models::ArchSpec& arch) {
  const NetworkLayout lay = layout_network(net, arch);
  std::vector<FitPass> out;
  for (size_t li = 0; li < net.layers.size(); ++li) {
    const quant::Layer& l = net.layers[li];
    const std::vector<models::Descriptor>& ds = lay.passes[li];
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
