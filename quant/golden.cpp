// The golden executor's driver: dispatches each layer to its arithmetic (golden_conv.cpp,
// golden_pool.cpp, golden_eltwise.cpp) with the formats the quantized network records.
#include "quant/golden.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace shiftsim::quant {

namespace {

void check_network(const QuantizedNetwork& qn, const Tensor<int16_t>& input) {
  for (const Layer& l : qn.net.layers)
    if (is_recurrent(l.type) || l.type == LayerType::embedding || l.per_step)
      throw std::invalid_argument("layer " + l.name + " (" + to_string(l.type) +
                                  "): the CNN golden executor does not run sequence layers");
  if (qn.act_bits < 2 || qn.act_bits > 16)
    throw std::invalid_argument("act_bits must be in [2, 16], got " + std::to_string(qn.act_bits));
  if (qn.acc_bits < 2 || qn.acc_bits > 62)
    throw std::invalid_argument("acc_bits must be in [2, 62], got " + std::to_string(qn.acc_bits));
  if (qn.layers.size() != qn.net.layers.size())
    throw std::invalid_argument("quantized network has " + std::to_string(qn.layers.size()) +
                                " layer records for " + std::to_string(qn.net.layers.size()) +
                                " layers");
  if (input.shape != qn.net.input)
    throw std::invalid_argument("input is " + input.shape.str() + ", network expects " +
                                qn.net.input.str());
}

// Right shift from an exact sum at frac `from` to the output format.
int shift_to(const Layer& l, int from, const FixedFormat& out) {
  const int shift = from - out.frac;
  if (shift < 0)
    throw std::invalid_argument("layer " + l.name + ": output frac " + std::to_string(out.frac) +
                                " is finer than its accumulator's " + std::to_string(from));
  return shift;
}

}  // namespace

FixedFormat format_of(const QuantizedNetwork& qn, int input_index) {
  return input_index == kNetworkInput ? qn.input : qn.layers.at(size_t(input_index)).out;
}

Tensor<int16_t> run_layer(const QuantizedNetwork& qn, int index,
                          const std::vector<const Tensor<int16_t>*>& inputs,
                          uint64_t& saturations) {
  const Layer& l = qn.net.layers.at(size_t(index));
  const QLayer& q = qn.layers.at(size_t(index));
  if (inputs.size() != l.inputs.size())
    throw std::invalid_argument("layer " + l.name + ": wrong number of inputs");
  const FixedFormat in = format_of(qn, l.inputs[0]);
  switch (l.type) {
    case LayerType::conv:
    case LayerType::fc: {
      Tensor<int64_t> acc =
          conv_accumulate(*inputs[0], l, q, qn.acc_bits, qn.overflow, saturations);
      return requantize(acc, shift_to(l, in.frac + q.w_frac, q.out), l.relu, qn.act_bits);
    }
    case LayerType::add: {
      const FixedFormat in_b = format_of(qn, l.inputs[1]);
      Tensor<int64_t> sum = add_aligned(*inputs[0], in.frac, *inputs[1], in_b.frac);
      return requantize(sum, shift_to(l, std::max(in.frac, in_b.frac), q.out), l.relu,
                        qn.act_bits);
    }
    case LayerType::concat: {
      std::vector<int> fracs;
      for (int i : l.inputs) fracs.push_back(format_of(qn, i).frac);
      return concat(inputs, fracs, q.out.frac, qn.act_bits);
    }
    default:
      break;
  }
  // The remaining layers pass their input format through.
  if (q.out.frac != in.frac)
    throw std::invalid_argument("layer " + l.name + ": " + to_string(l.type) +
                                " must keep its input format");
  switch (l.type) {
    case LayerType::maxpool: return maxpool(*inputs[0], l);
    case LayerType::avgpool: return avgpool(*inputs[0], l);
    case LayerType::relu: return relu(*inputs[0]);
    case LayerType::flatten: return flatten(*inputs[0]);
    default: throw std::invalid_argument("layer " + l.name + ": unhandled type");
  }
}

GoldenRun run_golden(const QuantizedNetwork& qn, const Tensor<int16_t>& input) {
  check_network(qn, input);
  GoldenRun run;
  run.outputs.reserve(qn.net.layers.size());
  run.saturations.assign(qn.net.layers.size(), 0);
  for (size_t i = 0; i < qn.net.layers.size(); ++i) {
    std::vector<const Tensor<int16_t>*> inputs;
    for (int k : qn.net.layers[i].inputs) {
      if (k >= int(i)) throw std::invalid_argument("layer inputs must come before the layer");
      inputs.push_back(k == kNetworkInput ? &input : &run.outputs[size_t(k)]);
    }
    run.outputs.push_back(run_layer(qn, int(i), inputs, run.saturations[i]));
  }
  return run;
}

}  // namespace shiftsim::quant
