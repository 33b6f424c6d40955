// Pooling layers of the golden executor. The activation format passes through unchanged.
#include <algorithm>
#include <stdexcept>

#include "quant/golden.h"
#include "quant/int_arith.h"

namespace shiftsim::quant {

namespace {
void check_input(const Tensor<int16_t>& in, const Layer& l) {
  if (in.shape != l.in_shape)
    throw std::invalid_argument("layer " + l.name + ": input is " + in.shape.str() +
                                ", expected " + l.in_shape.str());
}

// The input rows [y0, y1) and columns [x0, x1) that output (oy, ox) pools over: its window
// clipped to the input (padding takes no part).
struct Clipped {
  int y0, y1, x0, x1;
};
Clipped window_at(const Shape& in, const Layer& l, int oy, int ox) {
  return {std::max(0, oy * l.stride - l.pad), std::min(in.h, oy * l.stride - l.pad + l.kernel),
          std::max(0, ox * l.stride - l.pad), std::min(in.w, ox * l.stride - l.pad + l.kernel)};
}
}  // namespace

Tensor<int16_t> maxpool(const Tensor<int16_t>& in, const Layer& l) {
  check_input(in, l);
  Tensor<int16_t> out(l.out_shape);
  for (int c = 0; c < out.shape.c; ++c)
    for (int oy = 0; oy < out.shape.h; ++oy)
      for (int ox = 0; ox < out.shape.w; ++ox) {
        // Only positions inside the input take part; pad < kernel guarantees there is one.
        const auto [y0, y1, x0, x1] = window_at(in.shape, l, oy, ox);
        int16_t best = in.at(c, y0, x0);
        for (int y = y0; y < y1; ++y)
          for (int x = x0; x < x1; ++x) best = std::max(best, in.at(c, y, x));
        out.at(c, oy, ox) = best;
      }
  return out;
}

Tensor<int16_t> avgpool(const Tensor<int16_t>& in, const Layer& l) {
  check_input(in, l);
  Tensor<int16_t> out(l.out_shape);
  // Padding counts as zero in the sum and in the divisor N = K*K (what a fixed-divisor
  // hardware unit computes); the result rounds half up.
  const int64_t n = int64_t(l.kernel) * l.kernel;
  for (int c = 0; c < out.shape.c; ++c)
    for (int oy = 0; oy < out.shape.h; ++oy)
      for (int ox = 0; ox < out.shape.w; ++ox) {
        const auto [y0, y1, x0, x1] = window_at(in.shape, l, oy, ox);
        int64_t sum = 0;
        for (int y = y0; y < y1; ++y)
          for (int x = x0; x < x1; ++x) sum += in.at(c, y, x);
        out.at(c, oy, ox) = int16_t(floor_div(2 * sum + n, 2 * n));
      }
  return out;
}

}  // namespace shiftsim::quant
