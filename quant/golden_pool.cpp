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
}  // namespace

Tensor<int16_t> maxpool(const Tensor<int16_t>& in, const Layer& l) {
  check_input(in, l);
  Tensor<int16_t> out(l.out_shape);
  for (int c = 0; c < out.shape.c; ++c)
    for (int oy = 0; oy < out.shape.h; ++oy)
      for (int ox = 0; ox < out.shape.w; ++ox) {
        // Only positions inside the input take part; pad < kernel guarantees there is one.
        const int y0 = std::max(0, oy * l.stride - l.pad);
        const int y1 = std::min(in.shape.h, oy * l.stride - l.pad + l.kernel);
        const int x0 = std::max(0, ox * l.stride - l.pad);
        const int x1 = std::min(in.shape.w, ox * l.stride - l.pad + l.kernel);
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
        const int y0 = std::max(0, oy * l.stride - l.pad);
        const int y1 = std::min(in.shape.h, oy * l.stride - l.pad + l.kernel);
        const int x0 = std::max(0, ox * l.stride - l.pad);
        const int x1 = std::min(in.shape.w, ox * l.stride - l.pad + l.kernel);
        int64_t sum = 0;
        for (int y = y0; y < y1; ++y)
          for (int x = x0; x < x1; ++x) sum += in.at(c, y, x);
        out.at(c, oy, ox) = int16_t(floor_div(2 * sum + n, 2 * n));
      }
  return out;
}

}  // namespace shiftsim::quant
