#pragma once
// Post-training quantization from data: weights by one of the quantizers (uniform fixed point,
// n-BQ or GSNQ power of two), activation formats from float ranges measured over a calibration
// set, and a greedy per-tensor bit-width search (docs/QUANTIZATION.md).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "quant/idx.h"
#include "quant/nbq.h"
#include "quant/qnetwork.h"
#include "quant/tensor.h"
#include "quant/weights_gen.h"

namespace shiftsim::quant {

enum class WeightMethod { fixed, nbq, gsnq };
const char* to_string(WeightMethod m);
WeightMethod parse_weight_method(const std::string& s);  // "fixed|nbq|gsnq", else InputError

struct PtqOptions {
  WeightMethod method = WeightMethod::fixed;
  int weight_bits = 16;                          // fixed: 2..16; nbq, gsnq: 2..5
  NbqThresholds thresholds = NbqThresholds::authors;
  // gsnq: the largest per-sign exponent offset the SVPE's weight code holds (its
  // numerics.sign_offset_max); 0 puts both signs in one window.
  int gsnq_max_offset = 0;
  int act_bits = 16;                             // 2..16
  int acc_bits = 48;                             // 2..62
  Overflow overflow = Overflow::saturate;
  // > 0: the first and the last conv/fc layer use fixed point with this many bits (2..16)
  // whatever the method; an accuracy option (docs/QUANTIZATION.md, "First and last layers").
  int first_last_fixed_bits = 0;
  // Empty, or one entry per layer: > 0 overrides weight_bits for that conv/fc layer.
  std::vector<int> layer_weight_bits;
};

// Kind and bits of layer i's weights under `o` (first/last and per-layer overrides applied).
std::pair<WeightKind, int> layer_weight_format(const Network& net, size_t i, const PtqOptions& o);

// InputError naming the bad option.
void check_ptq_options(const PtqOptions& o, const Network& net);

// max |x| of the network input and of every layer's output over `inputs`.
struct ActivationRanges {
  double input = 0;
  std::vector<double> layers;
};
ActivationRanges measure_ranges(const FloatNetwork& f, const std::vector<Tensor<float>>& inputs);

// The per-tensor split of `bits` into integer and fraction bits for values up to `range`:
// the largest frac with round(range * 2^frac) <= 2^(bits-1) - 1 (bits - 1 for range 0).
int range_frac(double range, int bits);

// One conv/fc layer's weights as the options quantize them (kind, bits, ints, w_frac).
QLayer quantize_layer_weights(const FloatNetwork& f, size_t layer, const PtqOptions& o);

// `f` with every conv/fc weight replaced by its quantized value (biases unchanged).
FloatNetwork with_quantized_weights(const FloatNetwork& f, const PtqOptions& o);

// The whole flow. Activation ranges are measured on with_quantized_weights(f, o) over `calib`
// (so they are the ranges of the network that will run); then, in layer order:
//   input: range_frac(input range, act_bits);
//   conv/fc: out.frac = min(range_frac(range, act_bits), in.frac + w_frac) (shift >= 0);
//   add: min(range_frac, max(fa, fb)); concat: min(range_frac, min of the input fracs);
//   pools, relu, flatten: the input's frac.
// Biases are quantized at in.frac + w_frac. InputError for bad options, an empty calibration set
// or inputs of the wrong shape.
QuantizedNetwork quantize_ptq(const FloatNetwork& f, const PtqOptions& o,
                              const std::vector<Tensor<float>>& calib);

// The first `count` images of `set` as network inputs (image_input.h).
std::vector<Tensor<float>> calibration_inputs(const ImageSet& set, size_t count);

// Parameter memory: conv/fc weights at their weight_bits and biases at acc_bits, against float32.
struct Footprint {
  int64_t float_bits = 0, quantized_bits = 0;
  double ratio() const { return float_bits ? double(quantized_bits) / double(float_bits) : 0.0; }
};
Footprint memory_footprint(const QuantizedNetwork& qn);

struct BitSearchOptions {
  double tolerance = 0.01;  // allowed top-1 accuracy drop against the float network (absolute)
  int min_bits = 2, max_bits = 16;
  bool activations = true;  // also search act_bits (one per network: the datapath width)
  int threads = 2;
};

struct BitSearchResult {
  QuantizedNetwork qn;               // the chosen configuration
  std::vector<int> weight_bits;      // per layer; 0 for layers without weights
  int act_bits = 0;
  double float_accuracy = 0, accuracy = 0;
  bool met = false;                  // accuracy >= float_accuracy - tolerance
  Footprint footprint;
  int evaluations = 0;               // quantized accuracy measurements made
};

// Greedy: every tensor starts at its widest format; weight tensors, largest first, each take the
// smallest width (binary search, assuming accuracy grows with bits) at which the accuracy on
// the first `eval_limit` images of `eval_set` stays >= float accuracy - tolerance with the
// tensors decided so far; then act_bits the same way. The returned configuration is the last
// one measured to pass, so it always meets the tolerance unless the widest one already fails
// (met = false). base.method picks the weight quantizer (pow2 methods search 2..5).
BitSearchResult search_bit_widths(const FloatNetwork& f, const PtqOptions& base,
                                  const std::vector<Tensor<float>>& calib,
                                  const ImageSet& eval_set, size_t eval_limit,
                                  const BitSearchOptions& s);

}  // namespace shiftsim::quant
