#include "sim/mapper.h"

#include <algorithm>
#include <stdexcept>

#include "common/huge_pages.h"
#include "common/input_error.h"
#include "models/act_bytes.h"
#include "models/control/layer_plan.h"
#include "models/pe_array/weight_layout.h"
#include "sim/network_layout.h"

namespace shiftsim::sim {

using models::Descriptor;
using quant::LayerType;

namespace {
void write_tensor(std::vector<uint8_t>& image, uint64_t addr, const quant::Tensor<int16_t>& t,
                  uint32_t ab) {
  for (size_t i = 0; i < t.data.size(); ++i) models::store_act(&image[addr + i * ab], t.data[i], ab);
}

uint32_t checked_shift(int shift, const quant::Layer& l) {
  if (shift < 0 || shift > 62)
    throw std::invalid_argument("layer " + l.name + ": requantization shift " +
                                std::to_string(shift) + " is outside 0..62");
  return uint32_t(shift);
}
}  // namespace

Program map_network(const quant::QuantizedNetwork& qn, const quant::Tensor<int16_t>& input,
                    const models::ArchSpec& arch) {
  const uint32_t ab = models::act_bytes(arch);
  const auto& layers = qn.net.layers;
  for (const auto& l : layers)
    if (l.type == LayerType::lstm || l.type == LayerType::gru || l.type == LayerType::embedding)
      throw std::logic_error("layer " + l.name + ": no accelerator pass for a sequence layer");  // refused before
  NetworkLayout lay = layout_network(qn.net, arch);
  if (lay.image_bytes > (arch.dram.size_mib << 20))
    throw InputError("the program needs " + std::to_string(lay.image_bytes >> 20) +
                     " MiB of DRAM; dram.size_mib is " + std::to_string(arch.dram.size_mib));

  Program prog;
  prog.desc_addr = lay.desc_addr;
  prog.input = lay.input;
  prog.outputs = lay.outputs;
  resize_on_huge_pages(prog.image, lay.image_bytes);
  std::vector<uint8_t>& image = prog.image;
  write_tensor(image, prog.input.addr, input, ab);
  auto format_of = [&](int idx) { return idx == quant::kNetworkInput ? qn.input : qn.layers[size_t(idx)].out; };

  for (size_t li = 0; li < layers.size(); ++li) {
    const quant::Layer& l = layers[li];
    const quant::QLayer& q = qn.layers[li];
    // The shapes and addresses (network_layout.h), then what the program adds: weights, bias
    // and shifts.
    std::vector<Descriptor>& ds = lay.passes[li];
    for (size_t k = 0; k < ds.size(); ++k) {
      Descriptor& d = ds[k];
      switch (l.type) {
        case LayerType::conv:
        case LayerType::fc: {
          d.saturate = qn.overflow == quant::Overflow::saturate ? 1 : 0;
          d.shift_right = checked_shift(format_of(l.inputs[0]).frac + q.w_frac - q.out.frac, l);
          d.w_offset_pos = uint32_t(q.offset_pos);  // GSNQ's sign windows (model_input.cpp checks them)
          d.w_offset_neg = uint32_t(q.offset_neg);
          // fc: the row of N weights per output, folded onto k x k (§2); conv: the whole row.
          const uint64_t row = l.type == LayerType::fc ? q.weights.size() / d.out_c : 0;
          models::WeightLayout(d, arch).encode(q.weights, image.data() + d.weight_addr, row);
          for (uint32_t m = 0; m < d.out_c; ++m)
            for (uint32_t b = 0; b < models::kBiasBytes; ++b)
              image[d.bias_addr + m * models::kBiasBytes + b] = uint8_t(uint64_t(q.bias.at(m)) >> (8 * b));
          break;
        }
        case LayerType::maxpool:
        case LayerType::avgpool:
          d.relu = 0;
          break;
        case LayerType::add: {
          const int fa = format_of(l.inputs[0]).frac, fb = format_of(l.inputs[1]).frac;
          const int F = std::max(fa, fb);
          d.shift_a = uint32_t(F - fa);
          d.shift_b = uint32_t(F - fb);
          d.shift_right = checked_shift(F - q.out.frac, l);
          break;
        }
        case LayerType::relu:
          d.relu = 1;
          break;
        case LayerType::concat:  // one pass per input, in input order
          d.relu = 0;
          d.shift_right = checked_shift(format_of(l.inputs[k]).frac - q.out.frac, l);
          break;
        case LayerType::flatten:
        case LayerType::lstm:
        case LayerType::gru:
        case LayerType::embedding:
          break;
      }
    }
    for (Descriptor& x : ds) {
      const std::string why = models::choose_tiles(x, arch);
      if (!why.empty())
        throw InputError("layer " + l.name + " (" + quant::to_string(l.type) +
                         ") does not fit this architecture: " + why +
                         " (raise buffers.*_kib in the arch config)");
      prog.passes.push_back(x);
      prog.pass_layer.push_back(int(li));
    }
  }
  prog.desc_count = uint32_t(prog.passes.size());
  for (uint32_t i = 0; i < prog.desc_count; ++i) {
    const auto words = prog.passes[i].encode();
    for (uint32_t w = 0; w < models::kDescriptorWords; ++w)
      for (uint32_t b = 0; b < 4; ++b)
        image[prog.desc_addr + i * models::kDescriptorBytes + w * 4 + b] = uint8_t(words[w] >> (8 * b));
  }
  return prog;
}

quant::Tensor<int16_t> read_tensor(const std::vector<uint8_t>& dram, const TensorSlot& slot,
                                   const models::ArchSpec& arch) {
  const uint32_t ab = models::act_bytes(arch);
  quant::Tensor<int16_t> t(slot.shape);
  if (slot.addr + t.data.size() * ab > dram.size())
    throw std::runtime_error("read_tensor: tensor lies outside the DRAM image");
  for (size_t i = 0; i < t.data.size(); ++i) t.data[i] = models::load_act(&dram[slot.addr + i * ab], ab);
  return t;
}

}  // namespace shiftsim::sim
