#pragma once
// Float network -> QuantizedNetwork: per-layer weight quantization (fixed point or power of
// two), biases at the accumulator's scale, and output formats found by integer calibration.
#include <cstdint>
#include <functional>

#include "quant/golden.h"
#include "quant/qnetwork.h"
#include "quant/tensor.h"
#include "quant/weights_gen.h"

namespace shiftsim::quant {

struct QuantOptions {
  int act_bits = 16;                       // 2..16
  WeightKind weight_kind = WeightKind::fixed;
  int weight_bits = 16;                    // fixed: 2..16; pow2: 2..5
  int acc_bits = 48;                       // 2..62
  Overflow overflow = Overflow::saturate;
};

// Throws InputError naming the bad option.
void check_options(const QuantOptions& o);

// The smallest s >= 0 such that rshift_round(x, s) fits act_bits signed for x = lo and x = hi
// (rshift_round is monotone, so then for every x in between).
int output_shift(int64_t lo, int64_t hi, int act_bits);

// Output formats are chosen layer by layer on `calibration_input` (already quantized with
// `input_format`), by running the golden arithmetic on it:
//   conv/fc: accumulators (after the overflow policy and a fused ReLU) at F = in.frac + w_frac;
//            out.frac = F - output_shift(min, max).
//   add:     the aligned exact sum at F = max(fa, fb), then the same rule.
//   concat:  out.frac = min of the input fracs.  pools, relu, flatten: the input format.
// Each layer's calibration output is the golden executor's output for that input in the
// chosen formats; `golden`, when given, receives them all: run_golden(result,
// calibration_input) without running the network a second time.
QuantizedNetwork quantize_network(const FloatNetwork& f, const QuantOptions& opts,
                                  const Tensor<int16_t>& calibration_input,
                                  FixedFormat input_format, GoldenRun* golden = nullptr);
// The same with each layer's float parameters asked for once, in layer order, and used only
// until the next is asked for: a generator can hold one layer at a time (AlexNet's 61 M
// weights are 244 MB of floats, its fc6 alone 151 MB).
using LayerParams = std::function<const FloatLayerParams&(size_t layer)>;
QuantizedNetwork quantize_network(const Network& net, const LayerParams& params_of, const QuantOptions& opts,
                                  const Tensor<int16_t>& calibration_input,
                                  FixedFormat input_format, GoldenRun* golden = nullptr);

}  // namespace shiftsim::quant
