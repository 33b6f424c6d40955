#pragma once
// A quantized network: the IR plus the integer weights and the number format of every tensor.
// This is what the golden executor runs and what the mapper turns into an accelerator program.
#include <cstdint>
#include <vector>

#include "quant/network.h"

namespace shiftsim::quant {

// value = integer * 2^-frac (frac may be negative).
struct FixedFormat {
  int bits = 16;
  int frac = 0;
};

enum class WeightKind { fixed, pow2 };
enum class Overflow { saturate, wrap };

struct QLayer {
  FixedFormat out;  // format of this layer's output activations
  // conv / fc only. weights: [out_channels][in_channels / groups][kernel][kernel] integers.
  // fixed: |w| < 2^(weight_bits-1). pow2: w is 0 or +-2^s with
  // offset <= s <= offset + 2^(weight_bits-1) - 2, offset the sign's (offset_pos for w > 0,
  // offset_neg for w < 0), so that the hardware only shifts left; the real value is
  // w * 2^-w_frac. The offsets are GSNQ's per-sign windows (the SVPE adds them to the code's
  // shift, docs/ARCHITECTURE.md); 0 for everything else, and for files written before them.
  WeightKind weight_kind = WeightKind::fixed;
  int weight_bits = 16;
  int w_frac = 0;
  int offset_pos = 0, offset_neg = 0;
  std::vector<int16_t> weights;  // every format fits: fixed <= 16 bits, pow2 shifts <= kMaxPow2Shift
  std::vector<int64_t> bias;  // one per out channel, scale 2^-(in.frac + w_frac)
  // Requantization: acc is shifted right by (in.frac + w_frac - out.frac) >= 0 with
  // round-half-up. add/concat: each input is aligned to the output format (see golden.h).
};

struct QuantizedNetwork {
  Network net;
  FixedFormat input;  // format of the network input
  int act_bits = 16;
  int acc_bits = 48;
  Overflow overflow = Overflow::saturate;
  std::vector<QLayer> layers;  // one per net.layers
};

}  // namespace shiftsim::quant
