#include "sim/network_layout.h"

#include "models/act_bytes.h"
#include "models/pe_array/weight_layout.h"
#include "sim/layer_passes.h"

namespace shiftsim::sim {

namespace {
constexpr uint64_t kRegionAlign = 4096;

class Regions {
 public:
  uint64_t reserve(uint64_t bytes) {
    const uint64_t at = (end_ + kRegionAlign - 1) / kRegionAlign * kRegionAlign;
    end_ = at + bytes;
    return at;
  }
  uint64_t end() const { return end_; }

 private:
  uint64_t end_ = 0;
};
}  // namespace

NetworkLayout layout_network(const quant::Network& net, const models::ArchSpec& arch) {
  using quant::LayerType;
  const uint64_t ab = models::act_bytes(arch);
  // A fully connected layer folded onto k x k convolvers reads its N inputs as ceil(N/k^2)
  // whole k x k planes, up to k^2 - 1 elements past the tensor's end: every tensor is
  // followed by that many zero elements, which nothing writes (their weights are zero too).
  const uint64_t k = arch.pe_array.kernel;
  auto tensor_bytes = [&](const quant::Shape& s) { return (uint64_t(s.elements()) + k * k - 1) * ab; };
  auto sequence = [](LayerType t) { return t == LayerType::lstm || t == LayerType::gru || t == LayerType::embedding; };

  NetworkLayout lay;
  for (const quant::Layer& l : net.layers)
    lay.desc_count += l.type == LayerType::flatten || sequence(l.type) ? 0
                      : l.type == LayerType::concat                     ? uint32_t(l.inputs.size())
                                                                        : 1;
  Regions r;
  lay.desc_addr = r.reserve(uint64_t(lay.desc_count) * models::kDescriptorBytes);
  lay.input = {r.reserve(tensor_bytes(net.input)), net.input};
  lay.outputs.resize(net.layers.size());
  lay.passes.resize(net.layers.size());
  auto slot_of = [&](int idx) { return idx == quant::kNetworkInput ? lay.input : lay.outputs[size_t(idx)]; };
  for (size_t li = 0; li < net.layers.size(); ++li) {
    const quant::Layer& l = net.layers[li];
    if (sequence(l.type)) continue;
    const TensorSlot in = slot_of(l.inputs.at(0));
    if (l.type == LayerType::flatten) {
      lay.outputs[li] = {in.addr, l.out_shape};
      continue;
    }
    lay.outputs[li] = {r.reserve(tensor_bytes(l.out_shape)), l.out_shape};
    std::vector<models::Descriptor> ds =
        layer_pass_shapes(l, uint32_t(li), arch.pe_array.kernel, [&](int idx) { return slot_of(idx).shape; });
    for (size_t p = 0; p < ds.size(); ++p) {
      models::Descriptor& d = ds[p];
      d.in_addr = l.type == LayerType::concat ? slot_of(l.inputs[p]).addr : in.addr;
      d.out_addr = lay.outputs[li].addr;
      if (l.type == LayerType::add) d.in2_addr = slot_of(l.inputs.at(1)).addr;
      if (l.type == LayerType::conv || l.type == LayerType::fc) {
        d.weight_addr = r.reserve(models::WeightLayout::total_bytes(d, arch));
        d.bias_addr = r.reserve(uint64_t(d.out_c) * models::kBiasBytes);
      }
    }
    lay.passes[li] = std::move(ds);
  }
  lay.image_bytes = r.end();
  return lay;
}

}  // namespace shiftsim::sim
