#pragma once
// GSNQ power-of-two weights (Sui et al., Sensors 22(17):6618, 2022): sign-based ranges and the
// INQ-style incremental partition. docs/QUANTIZATION.md explains how the two sign ranges map onto
// the SVPE's single per-layer scale and sign + magnitude code.
#include <cstdint>
#include <vector>

#include "quant/nbq.h"

namespace shiftsim::quant {

// The exponent windows of one layer. Each sign is anchored at its own largest magnitude with the
// INQ rule, e_pos / e_neg = floor(log2(4/3 * max)) (INT_MIN for a sign without weights), and
// would like the r = 2^(n-1) - 1 levels 2^(e-r+1) .. 2^e. The SVPE holds one window
// [e_min, e_min + r - 1] per layer (one shift scale); `e_min` is the window chosen by
// gsnq_quantize, and each sign uses the part of its own range inside it.
struct GsnqRanges {
  int e_pos = 0, e_neg = 0;  // each sign's anchor
  int e_min = 0;             // the shared hardware window's lowest exponent (= -frac)
};

// Every weight goes to the nearest level 2^e of the shared window e_min <= e <= e_min + r - 1
// (ties to the larger level; nearest rounding never exceeds its sign's anchor 2^e_s when the
// window reaches down to it), to zero below 2^(e_min-1), and saturates at the top. The window's top is chosen in [min(e_pos, e_neg), max(e_pos, e_neg)]
// by least squared error (ties: the higher, which is INQ's single-range window). ints are valid
// SVPE weights for `bits`. InputError for bits outside 2..5, non-finite weights or a scale beyond
// kMaxWeightFracMagnitude. Idempotent.
Pow2Result gsnq_quantize(const std::vector<float>& w, int bits);

// The windows gsnq_quantize uses for `w` (same validation).
GsnqRanges gsnq_ranges(const std::vector<float>& w, int bits);

// INQ-style partition: 1 for the round(fraction * size) weights of largest |w| (ties: the lower
// index first), to be quantized and frozen at this step; 0 for those retrained. fraction in
// [0, 1] (0.5, 0.75, 0.875, 1.0 in INQ), else InputError. The ranking uses the values given:
// a caller that freezes weights keeps its earlier masks (OR them) if re-quantized values could
// change the order.
std::vector<uint8_t> gsnq_partition(const std::vector<float>& w, double fraction);

}  // namespace shiftsim::quant
