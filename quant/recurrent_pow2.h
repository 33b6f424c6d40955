#pragma once
// Power-of-two weights for the matrices of sequence networks (lstm/gru W and R, fc weights), so
// that the SVPE array, which shifts instead of multiplying, can run them (issue: "power-of-two
// weights for the recurrent matrices as an option"). The levels are pow2.h's: n code bits give
// 0 and +-2^e for 2^(n-1) - 1 exponents ending at floor(log2(4/3 max|w|)), one grid per tensor.
// In a QTensor the integers are 0 or +-2^s, s = e - e_min, with frac = -e_min, so every
// product is a left shift of the other operand by s and the fixed-point arithmetic around it is
// unchanged (docs/QUANTIZATION.md, "Power-of-two recurrent matrices").
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "quant/recurrent_qnetwork.h"

namespace shiftsim::quant {

// The tensor in pow2 form: kind pow2, code_bits = bits (2..5), fmt.bits = 2^(bits-1) (the
// narrowest two's-complement width holding 2^s_max), fmt.frac = -e_min. InputError for bits
// outside 2..5; an all-zero tensor gets e_max = 0.
QTensor pow2_tensor(const float* v, size_t n, int bits);

// "" when every value is 0 or +-2^s with s <= 2^(code_bits-1) - 2 and code_bits in 2..5 (and
// fmt.bits as pow2_tensor sets it), else the first problem.
std::string pow2_tensor_problem(const QTensor& t);

// sum_k w[k] * x[k] for power-of-two w, as shifts: +-(x[k] << s). Equal to the product sum.
int64_t pow2_dot(const int32_t* w, const std::vector<int64_t>& x);

}  // namespace shiftsim::quant
