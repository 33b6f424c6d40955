// conv and fc accumulators of the golden executor: im2col per group into split int16 halves,
// exact dot products on 2-pixel x 4-channel tiles (exact_dot.h), then the overflow policy.
#include <algorithm>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>

#include "common/exact_dot.h"
#include "quant/golden.h"
#include "quant/int_arith.h"

namespace shiftsim::quant {

namespace {

// fc is a 1x1 convolution over its flattened input, so one code path serves both.
struct ConvGeometry {
  Shape in, out;
  int kernel = 1, stride = 1, pad = 0, groups = 1;
  int in_per_group = 0, out_per_group = 0;
  size_t row_len = 0;     // in_per_group * kernel * kernel: one patch, one weight row
  size_t row_stride = 0;  // row_len rounded up to 32 int16 (zeros after): no scalar tails
  int pixels = 0;         // output pixels
  int block = 0;          // output pixels whose patches are gathered at once (even)
};

ConvGeometry geometry_of(const Layer& l, const Shape& in) {
  ConvGeometry g;
  if (l.type == LayerType::fc) {
    g.in = {int(in.elements()), 1, 1};
    g.out = {l.out_channels, 1, 1};
  } else {
    g.in = in;
    g.out = l.out_shape;
    g.kernel = l.kernel, g.stride = l.stride, g.pad = l.pad, g.groups = l.groups;
  }
  g.in_per_group = g.in.c / g.groups;
  g.out_per_group = g.out.c / g.groups;
  g.row_len = size_t(g.in_per_group) * g.kernel * g.kernel;
  g.row_stride = (g.row_len + 31) / 32 * 32;
  g.pixels = g.out.h * g.out.w;
  // About 64 KiB per patch half, so a block stays in L2 while every channel reads it.
  g.block = int(std::max<size_t>(2, 32768 / g.row_stride / 2 * 2));
  return g;
}

// Weight rows [m0, m1) as int16 with the padded stride; returns max |w| (it sets the chunk).
int32_t convert_rows(const QLayer& q, const ConvGeometry& g, int m0, int m1, int16_t* dst) {
  int32_t max_abs = 0;
  for (int m = m0; m < m1; ++m) {
    const int16_t* src = &q.weights[size_t(m) * g.row_len];
    int16_t* row = dst + size_t(m - m0) * g.row_stride;
    for (size_t i = 0; i < g.row_len; ++i) {
      const int32_t w = src[i];
      max_abs = std::max(max_abs, w < 0 ? -w : w);
      row[i] = src[i];
    }
    std::fill(row + g.row_len, row + g.row_stride, int16_t(0));
  }
  return max_abs;
}

// Split patches of output pixels [p0, p1) of one group, one padded row each; zero where the
// window lies in the padding.
void gather_patches(const Tensor<int16_t>& in, const ConvGeometry& g, int group, int p0, int p1,
                    int16_t* hi, int16_t* lo) {
  const int k = g.kernel;
  for (int p = p0; p < p1; ++p) {
    const int y0 = (p / g.out.w) * g.stride - g.pad, x0 = (p % g.out.w) * g.stride - g.pad;
    const bool x_inside = x0 >= 0 && x0 + k <= g.in.w;
    size_t at = size_t(p - p0) * g.row_stride;
    for (int c = group * g.in_per_group; c < (group + 1) * g.in_per_group; ++c)
      for (int y = y0; y < y0 + k; ++y, at += size_t(k)) {
        if (y < 0 || y >= g.in.h) {
          std::fill(hi + at, hi + at + k, int16_t(0));
          std::fill(lo + at, lo + at + k, int16_t(0));
          continue;
        }
        const int16_t* src = &in.data[(size_t(c) * g.in.h + y) * g.in.w];
        if (x_inside) {
          split_activations(src + x0, size_t(k), hi + at, lo + at);
          continue;
        }
        for (int kx = 0; kx < k; ++kx) {
          const int x = x0 + kx;
          const int16_t v = x >= 0 && x < g.in.w ? src[x] : int16_t(0);
          split_activations(&v, 1, hi + at + size_t(kx), lo + at + size_t(kx));
        }
      }
    const size_t row = size_t(p - p0) * g.row_stride;
    std::fill(hi + row + g.row_len, hi + row + g.row_stride, int16_t(0));
    std::fill(lo + row + g.row_len, lo + row + g.row_stride, int16_t(0));
  }
}

struct AccumulatorRule {
  int bits;
  Overflow overflow;
};

int64_t apply_overflow(int64_t acc, AccumulatorRule rule, uint64_t& saturations) {
  if (rule.overflow == Overflow::wrap) return wrap_to_bits(acc, rule.bits);
  const int64_t clamped = clamp_to_bits(acc, rule.bits);
  if (clamped != acc) ++saturations;
  return clamped;
}

// Output channels [m0, m1), all pixels. Independent of every other channel range, so threads
// given disjoint ranges produce the same tensor as one thread.
void accumulate_channels(const Tensor<int16_t>& in, const ConvGeometry& g, const QLayer& q,
                         AccumulatorRule rule, int m0, int m1, Tensor<int64_t>& out,
                         uint64_t& saturations) {
  const size_t stride = g.row_stride;
  std::vector<int16_t> hi(size_t(g.block) * stride), lo(hi.size()), weights;
  auto store = [&](int m, int p, int64_t dot) {
    out.data[size_t(m) * g.pixels + p] = apply_overflow(q.bias[size_t(m)] + dot, rule, saturations);
  };
  // With one pixel block (fc, small maps) every weight is read once: convert 4 rows at a time
  // instead of the whole group, which would be a second pass over memory.
  const bool one_block = g.pixels <= g.block;
  for (int group = m0 / g.out_per_group; group < g.groups && group * g.out_per_group < m1; ++group) {
    const int gm0 = std::max(m0, group * g.out_per_group);
    const int gm1 = std::min(m1, (group + 1) * g.out_per_group);
    size_t group_chunk = 0;
    if (!one_block) {
      weights.resize(size_t(gm1 - gm0) * stride);
      group_chunk = exact_dot_chunk(convert_rows(q, g, gm0, gm1, weights.data()));
    }
    for (int p0 = 0; p0 < g.pixels; p0 += g.block) {
      const int p1 = std::min(g.pixels, p0 + g.block);
      gather_patches(in, g, group, p0, p1, hi.data(), lo.data());
      for (int m = gm0; m < gm1;) {
        const int count = std::min(4, gm1 - m);
        const int16_t* w = weights.data() + size_t(m - gm0) * stride;
        size_t chunk = group_chunk;
        if (one_block) {
          weights.resize(4 * stride);
          w = weights.data();
          chunk = exact_dot_chunk(convert_rows(q, g, m, m + count, weights.data()));
        }
        for (int p = p0; p < p1; p += 2) {
          const int p_second = std::min(p + 1, p1 - 1);  // an odd last pixel pairs with itself
          const size_t r0 = size_t(p - p0) * stride, r1 = size_t(p_second - p0) * stride;
          if (count == 4 && p_second == p) {
            const int16_t* rows[4] = {w, w + stride, w + 2 * stride, w + 3 * stride};
            int64_t dots[4];
            exact_dot_1x4(&hi[r0], &lo[r0], rows, stride, chunk, dots);
            for (int k = 0; k < 4; ++k) store(m + k, p, dots[k]);
            continue;
          }
          if (count == 4) {
            const int16_t* h[2] = {&hi[r0], &hi[r1]};
            const int16_t* l[2] = {&lo[r0], &lo[r1]};
            const int16_t* rows[4] = {w, w + stride, w + 2 * stride, w + 3 * stride};
            int64_t dots[2][4];
            exact_dot_2x4(h, l, rows, stride, chunk, dots);
            for (int k = 0; k < 4; ++k) {
              store(m + k, p, dots[0][k]);
              if (p_second != p) store(m + k, p_second, dots[1][k]);
            }
            continue;
          }
          for (int k = 0; k < count; ++k) {
            store(m + k, p, exact_dot_split(&hi[r0], &lo[r0], w + k * stride, stride, chunk));
            if (p_second != p)
              store(m + k, p_second, exact_dot_split(&hi[r1], &lo[r1], w + k * stride, stride, chunk));
          }
        }
        m += count;
      }
    }
  }
}

// Below this many multiply-accumulates a second thread costs more than it saves.
constexpr int64_t kThreadingThreshold = int64_t(1) << 22;

}  // namespace

Tensor<int64_t> conv_accumulate(const Tensor<int16_t>& in, const Layer& l, const QLayer& q,
                                int acc_bits, Overflow overflow, uint64_t& saturations) {
  if (in.shape != l.in_shape)
    throw std::invalid_argument("layer " + l.name + ": input is " + in.shape.str() +
                                ", expected " + l.in_shape.str());
  const ConvGeometry g = geometry_of(l, in.shape);
  if (q.weights.size() != size_t(g.out.c) * g.row_len || q.bias.size() != size_t(g.out.c))
    throw std::invalid_argument("layer " + l.name + ": weight or bias count does not match shape");
  const AccumulatorRule rule{acc_bits, overflow};
  Tensor<int64_t> out(l.out_shape);
  const int64_t macs = g.out.elements() * int64_t(g.row_len);
  if (macs < kThreadingThreshold || g.out.c < 8) {
    accumulate_channels(in, g, q, rule, 0, g.out.c, out, saturations);
    return out;
  }
  // Two threads on disjoint channel halves (rounded to the 4-channel tiles).
  const int split = (g.out.c / 2 + 3) / 4 * 4;
  uint64_t sat_other = 0;
  std::exception_ptr failure;
  std::thread other([&] {
    try {
      accumulate_channels(in, g, q, rule, split, g.out.c, out, sat_other);
    } catch (...) {
      failure = std::current_exception();
    }
  });
  try {
    accumulate_channels(in, g, q, rule, 0, split, out, saturations);
  } catch (...) {
    other.join();
    throw;
  }
  other.join();
  if (failure) std::rethrow_exception(failure);
  saturations += sat_other;
  return out;
}

}  // namespace shiftsim::quant
