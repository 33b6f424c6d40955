#pragma once
// Sigmoid and tanh on fixed-point integers, as an activation unit would compute them: odd/even
// symmetry folds the input to |x|, a table of 512 straight segments (chords of the function)
// covers |x| < 16 (sigmoid) or < 8 (tanh), and beyond that the output is the limit (1).
// Bit-exact and deterministic: integer arithmetic only (docs/QUANTIZATION.md, "Fixed-point
// sigmoid and tanh", gives the rules and the maximum error).
#include <cstdint>

#include "quant/qnetwork.h"

namespace shiftsim::quant {

enum class Activation { sigmoid, tanh };
const char* to_string(Activation a);

// The table's segments, per function.
struct ActivationTable {
  int segment_frac_bits;  // segments of width 2^-segment_frac_bits
  int segments;           // covering [0, segments * 2^-segment_frac_bits)
};
ActivationTable activation_table(Activation a);

// Fraction bits of the table's coefficients (values and slopes).
constexpr int kActivationCoeffFrac = 30;

// f(x * 2^-in.frac) in `out` (rounded half up, clamped to out.bits). in.bits in 2..32,
// in.frac in [-8, 32], out.bits in 2..32, out.frac in [0, 30], x fitting in.bits;
// std::invalid_argument otherwise.
int64_t fixed_activation(Activation a, int64_t x, FixedFormat in, FixedFormat out);

// The bound docs/QUANTIZATION.md states: |fixed_activation(x) - f(x * 2^-in.frac)| for every
// representable x is at most 2^-(out.frac+1) (output rounding) + the table's chord error
// (sigmoid 1.2e-5, tanh 2.4e-5) + 2^-(kActivationCoeffFrac-1), unless out cannot hold the
// value (clamping).
double activation_error_bound(Activation a, FixedFormat out);

}  // namespace shiftsim::quant
