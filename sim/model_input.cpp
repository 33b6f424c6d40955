#include "sim/model_input.h"

#include <algorithm>

#include "common/input_error.h"
#include "models/pe_array/array_kind.h"
#include "quant/fixed_point.h"
#include "quant/idx.h"
#include "quant/image_input.h"

namespace shiftsim::sim {

void check_model_fits_arch(const quant::QuantizedNetwork& qn, const models::ArchSpec& arch,
                           const std::string& model_path) {
  std::string problems;
  auto problem = [&](const std::string& text) { problems += (problems.empty() ? "" : "; ") + text; };
  const models::ArrayKindModel& kind = models::array_kind_model(arch);
  const bool array_pow2 = kind.weight_code() == models::WeightCode::pow2_sign_magnitude;
  for (size_t i = 0; i < qn.layers.size(); ++i) {
    const quant::Layer& l = qn.net.layers[i];
    if (l.type != quant::LayerType::conv && l.type != quant::LayerType::fc) continue;
    const quant::QLayer& q = qn.layers[i];
    const bool pow2 = q.weight_kind == quant::WeightKind::pow2;
    if (pow2 != array_pow2) {
      problem("layer " + l.name + " has " + (pow2 ? "power-of-two" : "fixed-point") +
              " weights, the arch's " + kind.name() + " array computes " +
              (array_pow2 ? "power-of-two" : "fixed-point") + " products (pe_array.kind)");
      break;
    }
    const int offset = std::max(q.offset_pos, q.offset_neg);
    if (uint32_t(offset) > arch.numerics.sign_offset_max) {
      problem("layer " + l.name + " has a per-sign exponent offset of " + std::to_string(offset) +
              " (GSNQ's two sign windows), the arch's weight code holds " +
              std::to_string(arch.numerics.sign_offset_max) + " (--set numerics.sign_offset_max=" +
              std::to_string(offset) + ")");
      break;
    }
    if (uint32_t(q.weight_bits) > arch.numerics.weight_bits) {
      problem("layer " + l.name + " has " + std::to_string(q.weight_bits) +
              "-bit weights, the arch holds " + std::to_string(arch.numerics.weight_bits) +
              " (--set numerics.weight_bits=" + std::to_string(q.weight_bits) + ")");
      break;
    }
  }
  if (uint32_t(qn.act_bits) != arch.numerics.act_bits)
    problem("activations are " + std::to_string(qn.act_bits) + "-bit, the arch's " +
            std::to_string(arch.numerics.act_bits) + " (--set numerics.act_bits=" +
            std::to_string(qn.act_bits) + ")");
  if (uint32_t(qn.acc_bits) != arch.numerics.acc_bits)
    problem("accumulators are " + std::to_string(qn.acc_bits) + "-bit, the arch's " +
            std::to_string(arch.numerics.acc_bits) + " (--set numerics.acc_bits=" +
            std::to_string(qn.acc_bits) + ")");
  const bool model_saturates = qn.overflow == quant::Overflow::saturate;
  if (model_saturates != (arch.numerics.overflow == models::OverflowPolicy::saturate))
    problem(std::string("the accumulator overflow policy differs (--set numerics.overflow=") +
            (model_saturates ? "saturate" : "wrap") + ")");
  if (!problems.empty())
    throw InputError(model_path + ": this model cannot run on " + arch.name + ": " + problems);
}

quant::Tensor<int16_t> fashion_mnist_input(const quant::QuantizedNetwork& qn, uint64_t index,
                                           uint8_t* label) {
  if (qn.net.input != quant::Shape{1, 28, 28})
    throw InputError("--image: the model's input is " + qn.net.input.str() +
                     ", Fashion-MNIST images are 1x28x28 (give --input X.npy)");
  if (index >= 10000) throw InputError("--image " + std::to_string(index) + ": the test set has 10000 images");
  const quant::ImageSet set = quant::load_fashion_mnist("test", size_t(index) + 1);
  if (label) *label = set.labels[size_t(index)];
  return quant::quantize_input(quant::image_to_input(set, size_t(index)), qn.input);
}

}  // namespace shiftsim::sim
