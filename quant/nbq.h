#pragma once
// n-BQ-NN power-of-two weights (Chen et al., IEEE TNNLS 2021, Eq. 4): the staircase
//   Q(W) = sign(W) * 2^-i * scale   when Delta_(i+1) <= |W| < Delta_i  (i = 0..r-1, Delta_0 = inf)
//   Q(W) = 0                        when |W| < Delta_r,                 r = 2^(n-1) - 1,
// with a per-layer power-of-two scale = 2^k, so the hardware only shifts: ints = 0 or +-2^s,
// s = r - 1 - i in [0, r-1] (<= 2^(n-1) - 2, the SVPE code), frac = r - 1 - k.
// docs/QUANTIZATION.md gives the threshold rules, their generalisation to every n and why.
#include <cstdint>
#include <vector>

#include "quant/pow2_result.h"

namespace shiftsim::quant {

enum class NbqThresholds {
  // The authors' code (papcjy/n-BQ-NN, nnUtils.py) for n = 3: Delta = 0.14, 0.07, 0.02 x
  // max|W| (weights clipped to [-1, 1] first); for other n, Delta_i = 0.14 * 2^-(i-1) * max|W|
  // (i = 1..r-1) and Delta_r = 0.04 * 2^-(r-2) * max|W|. The scale is the power of two closest
  // (in squared error) to the least-squares scale of that assignment.
  authors,
  // Mean/variance matching (the paper's Eq. 18, our reading): the scale 2^k and a zero threshold
  // chosen so that the mean and the standard deviation of |Q(W)| match those of |W| as closely
  // as possible; between non-zero levels each weight goes to the nearest level.
  moments,
};

// Throws InputError for bits outside 2..5, a non-finite weight, or a scale beyond
// kMaxWeightFracMagnitude. A `w` that already is an n-bit staircase is returned unchanged.
Pow2Result nbq_quantize(const std::vector<float>& w, int bits, NbqThresholds t);

// The authors' thresholds Delta_1..Delta_r as fractions of max|W| (descending), for 2 <= n <= 5.
std::vector<double> nbq_authors_thresholds(int bits);

}  // namespace shiftsim::quant
