#pragma once
// GSNQ power-of-two weights (Sui et al., Sensors 22(17):6618, 2022): sign-based ranges and the
// INQ-style incremental partition. docs/QUANTIZATION.md explains the two sign windows and how
// the SVPE holds them (one layer scale plus a per-sign exponent offset).
#include <cstdint>
#include <vector>

#include "quant/nbq.h"

namespace shiftsim::quant {

// The largest per-sign exponent offset the weights of a layer can carry at all: a weight is
// +-2^s with s <= 14 (int16 weights, quant/pow2.h), so offset + r - 1 <= 14.
int gsnq_offset_limit(int bits);

// Unlimited (up to gsnq_offset_limit): what training uses, and an SVPE with offset hardware
// wide enough for every layer.
constexpr int kGsnqAnyOffset = 1 << 20;

// The exponent windows of one layer. Each sign has its own window of r = 2^(n-1) - 1 exponents
// [e_min_s, e_min_s + r - 1]: its levels are 2^e for e in it, plus zero.
struct GsnqRanges {
  int e_pos = 0, e_neg = 0;          // each sign's INQ anchor floor(log2(4/3 max)) (INT_MIN: none)
  int top_pos = 0, top_neg = 0;      // each sign's window top, as chosen
  int e_min = 0;                     // the layer's lowest exponent min(e_min_pos, e_min_neg) = -frac
  int offset_pos = 0, offset_neg = 0;  // e_min_s - e_min: the SVPE's per-sign exponent offsets
};

// Every weight goes to the nearest level of its sign's window (ties to the larger level), to
// zero below half the window's lowest level, and saturates at its top. The two windows are
// chosen together: each top in [min(e_pos, e_neg) - 8, max(e_pos, e_neg)], the pair of least
// total squared error whose lowest exponents differ by at most `max_offset` (capped at
// gsnq_offset_limit(bits); 0 forces one shared window, what an SVPE without offset hardware
// holds); ties go to the higher windows. The result is stated in canonical windows (each top
// at its sign's largest level used, the lower one raised to within max_offset of the other),
// so quantizing the result again returns it unchanged. ints are 0 or +-2^s with s - offset of
// the sign in [0, r - 1], values = ints * 2^-frac. InputError for bits outside 2..5,
// non-finite weights, max_offset < 0 or a scale beyond kMaxWeightFracMagnitude.
Pow2Result gsnq_quantize(const std::vector<float>& w, int bits, int max_offset = kGsnqAnyOffset);

// The windows gsnq_quantize uses for `w` (same validation).
GsnqRanges gsnq_ranges(const std::vector<float>& w, int bits, int max_offset = kGsnqAnyOffset);

// INQ-style partition: 1 for the round(fraction * size) weights of largest |w| (ties: the lower
// index first), to be quantized and frozen at this step; 0 for those retrained. fraction in
// [0, 1] (0.5, 0.75, 0.875, 1.0 in INQ), else InputError. The ranking uses the values given:
// a caller that freezes weights keeps its earlier masks (OR them) if re-quantized values could
// change the order.
std::vector<uint8_t> gsnq_partition(const std::vector<float>& w, double fraction);

}  // namespace shiftsim::quant
