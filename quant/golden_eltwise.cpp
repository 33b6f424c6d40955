// Element-wise pieces of the golden executor: requantization, add, concat, relu, flatten.
#include <algorithm>
#include <stdexcept>

#include "quant/golden.h"
#include "quant/int_arith.h"

namespace shiftsim::quant {

namespace {
// Alignment shifts beyond this could overflow int64 for 16-bit values plus a sum carry.
constexpr int kMaxAlignShift = 46;
}  // namespace

Tensor<int16_t> requantize(const Tensor<int64_t>& x, int shift, bool relu, int act_bits) {
  if (shift < 0)
    throw std::invalid_argument("requantize: negative shift " + std::to_string(shift));
  Tensor<int16_t> out(x.shape);
  for (size_t i = 0; i < x.data.size(); ++i) {
    int64_t y = rshift_round(x.data[i], shift);
    if (relu) y = std::max<int64_t>(y, 0);
    out.data[i] = int16_t(clamp_to_bits(y, act_bits));
  }
  return out;
}

Tensor<int64_t> add_aligned(const Tensor<int16_t>& a, int fa, const Tensor<int16_t>& b, int fb) {
  if (a.shape != b.shape)
    throw std::invalid_argument("add: shapes " + a.shape.str() + " and " + b.shape.str());
  const int f = std::max(fa, fb);
  const int sa = f - fa, sb = f - fb;
  if (sa > kMaxAlignShift || sb > kMaxAlignShift)
    throw std::invalid_argument("add: input formats are too far apart to align");
  Tensor<int64_t> out(a.shape);
  // Left shifts of the exact values: multiplication by 2^s is the same and well defined for
  // negative numbers.
  const int64_t ma = int64_t(1) << sa, mb = int64_t(1) << sb;
  for (size_t i = 0; i < a.data.size(); ++i) out.data[i] = a.data[i] * ma + b.data[i] * mb;
  return out;
}

Tensor<int16_t> concat(const std::vector<const Tensor<int16_t>*>& inputs,
                       const std::vector<int>& fracs, int out_frac, int act_bits) {
  if (inputs.empty() || inputs.size() != fracs.size())
    throw std::invalid_argument("concat: inputs and formats differ in number");
  Shape s = inputs[0]->shape;
  s.c = 0;
  for (const auto* t : inputs) {
    if (t->shape.h != s.h || t->shape.w != s.w)
      throw std::invalid_argument("concat: input " + t->shape.str() + " differs in height/width");
    s.c += t->shape.c;
  }
  Tensor<int16_t> out(s);
  size_t at = 0;
  for (size_t k = 0; k < inputs.size(); ++k) {
    const int shift = fracs[k] - out_frac;
    if (shift < 0) throw std::invalid_argument("concat: output format finer than an input");
    for (int16_t v : inputs[k]->data)
      out.data[at++] = int16_t(clamp_to_bits(rshift_round(v, shift), act_bits));
  }
  return out;
}

Tensor<int16_t> relu(const Tensor<int16_t>& in) {
  Tensor<int16_t> out = in;
  for (int16_t& v : out.data) v = std::max<int16_t>(v, 0);
  return out;
}

Tensor<int16_t> flatten(const Tensor<int16_t>& in) {
  Tensor<int16_t> out = in;
  out.shape = {int(in.shape.elements()), 1, 1};
  return out;
}

}  // namespace shiftsim::quant
