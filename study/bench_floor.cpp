#include "study/bench_floor.h"

#include <algorithm>
#include <climits>
#include <chrono>
#include <cstdint>
#include <random>
#include <vector>

namespace shiftsim::sim {

namespace {
// The kernel a performance engineer would write first: no overflow guard, int32 accumulation.
int64_t conv_layer(const quant::Layer& l, const std::vector<int16_t>& in,
                   const std::vector<int16_t>& w, std::vector<int32_t>& out) {
  const quant::Shape is = l.in_shape, os = l.out_shape;
  const int cg = is.c / l.groups, mg = os.c / l.groups, K = l.kernel, L = cg * K * K;
  std::vector<int16_t> cols(size_t(os.h) * os.w * L);
  int64_t check = 0;
  for (int g = 0; g < l.groups; ++g) {
    for (int y = 0; y < os.h; ++y)
      for (int x = 0; x < os.w; ++x) {
        int16_t* col = cols.data() + (size_t(y) * os.w + x) * L;
        for (int c = 0; c < cg; ++c)
          for (int ky = 0; ky < K; ++ky)
            for (int kx = 0; kx < K; ++kx) {
              const int iy = y * l.stride - l.pad + ky, ix = x * l.stride - l.pad + kx;
              *col++ = (iy < 0 || iy >= is.h || ix < 0 || ix >= is.w)
                           ? int16_t(0)
                           : in[(size_t(g * cg + c) * is.h + iy) * is.w + ix];
            }
      }
    // Four output channels per pass over a column, so each loaded activation feeds four
    // multiply-adds (the blocking any tuned GEMM does first).
    for (int m = 0; m < mg; m += 4) {
      const int mc = std::min(4, mg - m);
      const int16_t* wr[4];
      for (int k = 0; k < 4; ++k) wr[k] = w.data() + size_t(g * mg + m + std::min(k, mc - 1)) * L;
      for (int p = 0; p < os.h * os.w; ++p) {
        const int16_t* a = cols.data() + size_t(p) * L;
        int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int i = 0; i < L; ++i) {
          const int32_t x = a[i];
          s0 += x * wr[0][i], s1 += x * wr[1][i], s2 += x * wr[2][i], s3 += x * wr[3][i];
        }
        const int32_t sums[4] = {s0, s1, s2, s3};
        for (int k = 0; k < mc; ++k) out[size_t(g * mg + m + k) * os.h * os.w + p] = sums[k];
      }
    }
  }
  for (int32_t v : out) check += v;
  return check;
}

// A fully connected layer as an int16 matrix-vector product, four rows at a time.
int64_t fc_layer(const quant::Layer& l, const std::vector<int16_t>& in, const std::vector<int16_t>& w,
                 std::vector<int32_t>& out) {
  const size_t n = size_t(l.in_shape.elements()), m = size_t(l.out_shape.c);
  size_t r = 0;
  for (; r + 4 <= m; r += 4) {
    const int16_t *w0 = w.data() + r * n, *w1 = w0 + n, *w2 = w1 + n, *w3 = w2 + n;
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (size_t i = 0; i < n; ++i) {
      const int32_t x = in[i];
      s0 += x * w0[i], s1 += x * w1[i], s2 += x * w2[i], s3 += x * w3[i];
    }
    out[r] = s0, out[r + 1] = s1, out[r + 2] = s2, out[r + 3] = s3;
  }
  for (; r < m; ++r) {
    int32_t s = 0;
    for (size_t i = 0; i < n; ++i) s += int32_t(in[i]) * w[r * n + i];
    out[r] = s;
  }
  int64_t check = 0;
  for (int32_t v : out) check += v;
  return check;
}

// A max pooling window per output: the pooling layers' share of the floor.
int64_t pool_layer(const quant::Layer& l, const std::vector<int16_t>& in, std::vector<int32_t>& out) {
  const quant::Shape is = l.in_shape, os = l.out_shape;
  int64_t check = 0;
  for (int c = 0; c < os.c; ++c)
    for (int y = 0; y < os.h; ++y)
      for (int x = 0; x < os.w; ++x) {
        int32_t best = INT32_MIN;
        for (int ky = 0; ky < l.kernel; ++ky)
          for (int kx = 0; kx < l.kernel; ++kx) {
            const int iy = y * l.stride - l.pad + ky, ix = x * l.stride - l.pad + kx;
            if (iy >= 0 && iy < is.h && ix >= 0 && ix < is.w)
              best = std::max<int32_t>(best, in[(size_t(c) * is.h + iy) * is.w + ix]);
          }
        out[(size_t(c) * os.h + y) * os.w + x] = best;
        check += best;
      }
  return check;
}

double floor_seconds(const quant::Network& net, int repeat, bool conv_only) {
  std::mt19937 rng(1);
  std::uniform_int_distribution<int> dist(-128, 127);
  double best = 1e30;
  for (int r = 0; r < std::max(1, repeat); ++r) {
    double total = 0;
    for (const quant::Layer& l : net.layers) {
      const bool conv = l.type == quant::LayerType::conv, fc = l.type == quant::LayerType::fc;
      const bool pool = l.type == quant::LayerType::maxpool || l.type == quant::LayerType::avgpool;
      if (!conv && (conv_only || (!fc && !pool))) continue;
      std::vector<int16_t> in(size_t(l.in_shape.elements()));
      std::vector<int16_t> w;
      if (conv) w.resize(size_t(l.out_shape.c) * (l.in_shape.c / l.groups) * l.kernel * l.kernel);
      if (fc) w.resize(size_t(l.out_shape.c) * size_t(l.in_shape.elements()));
      for (auto& v : in) v = int16_t(dist(rng));
      for (auto& v : w) v = int16_t(dist(rng));
      std::vector<int32_t> out(size_t(l.out_shape.elements()));
      const auto t0 = std::chrono::steady_clock::now();
      volatile int64_t sink = conv ? conv_layer(l, in, w, out) : fc ? fc_layer(l, in, w, out) : pool_layer(l, in, out);
      (void)sink;
      total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    best = std::min(best, total);
  }
  return best;
}
}  // namespace

double floor_conv_seconds(const quant::Network& net, int repeat) { return floor_seconds(net, repeat, true); }

double floor_network_seconds(const quant::Network& net, int repeat) { return floor_seconds(net, repeat, false); }

}  // namespace shiftsim::sim
