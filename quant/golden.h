#pragma once
// The golden integer executor: the definition of shiftsim's arithmetic (docs/NUMERICS.md).
// The SystemC datapath must match it bit for bit, and the calibrator uses the same per-layer
// functions, so every rule below exists exactly once.
//
//   conv/fc  acc = bias[m] + sum(a * w), exact; then the overflow policy on the exact value
//            (saturate: clamp to acc_bits and count one saturation per clamped output; wrap:
//            keep the low acc_bits bits, sign-extended); y = rshift_round(acc, in.frac +
//            w_frac - out.frac); ReLU if fused; clamp to act_bits.
//   maxpool  max over the window positions inside the input (padding ignored).
//   avgpool  sum over the window, padding counted as zero, N = K*K,
//            y = floor((2*sum + N) / (2*N)) (round half up). Format unchanged.
//   add      F = max(fa, fb); s = (a << (F - fa)) + (b << (F - fb));
//            y = rshift_round(s, F - out.frac); ReLU if fused; clamp.
//   concat   each input y = clamp(rshift_round(x, f_i - out.frac)), channels in input order.
//   relu     max(x, 0).  flatten: same data, shape (C*H*W, 1, 1).
#include <cstdint>
#include <vector>

#include "quant/qnetwork.h"
#include "quant/tensor.h"

namespace shiftsim::quant {

struct GoldenRun {
  std::vector<Tensor<int16_t>> outputs;  // one per layer
  std::vector<uint64_t> saturations;     // accumulator saturations per layer (conv/fc)
};

// Runs the whole network. Throws std::invalid_argument when `qn` breaks its own invariants
// (sizes, shifts) or the input shape differs from the network's.
GoldenRun run_golden(const QuantizedNetwork& qn, const Tensor<int16_t>& input);

// One layer, given its input tensors in Layer::inputs order; adds to `saturations`.
Tensor<int16_t> run_layer(const QuantizedNetwork& qn, int index,
                          const std::vector<const Tensor<int16_t>*>& inputs,
                          uint64_t& saturations);

// Format of a layer input: the network input for kNetworkInput, else that layer's output.
FixedFormat format_of(const QuantizedNetwork& qn, int input_index);

// ---- per-layer pieces (the calibrator builds on these) ----

// conv/fc accumulators after the overflow policy, at frac in.frac + q.w_frac; shape = l.out_shape.
Tensor<int64_t> conv_accumulate(const Tensor<int16_t>& in, const Layer& l, const QLayer& q,
                                int acc_bits, Overflow overflow, uint64_t& saturations);

// add: a and b aligned to F = max(fa, fb) by exact left shifts and summed.
Tensor<int64_t> add_aligned(const Tensor<int16_t>& a, int fa, const Tensor<int16_t>& b, int fb);

// y = clamp(relu?(rshift_round(x, shift))), shift >= 0.
Tensor<int16_t> requantize(const Tensor<int64_t>& x, int shift, bool relu, int act_bits);

Tensor<int16_t> maxpool(const Tensor<int16_t>& in, const Layer& l);
Tensor<int16_t> avgpool(const Tensor<int16_t>& in, const Layer& l);
Tensor<int16_t> concat(const std::vector<const Tensor<int16_t>*>& inputs,
                       const std::vector<int>& fracs, int out_frac, int act_bits);
Tensor<int16_t> relu(const Tensor<int16_t>& in);
Tensor<int16_t> flatten(const Tensor<int16_t>& in);

}  // namespace shiftsim::quant
