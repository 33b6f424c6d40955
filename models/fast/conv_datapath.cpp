#include "models/fast/conv_datapath.h"

#include <algorithm>
#include <cstdlib>

#include "common/exact_dot.h"

namespace shiftsim::models {

void ConvDatapath::begin(const Descriptor& d, const TilePlan& tile, const StepPlan& step,
                         const InputHalf& in, OutputHalf& out) {
  in_ = &in;
  out_ = &out;
  K_ = d.kernel;
  S_ = d.stride;
  pixels_ = tile.nr * tile.ncol;
  ncol_ = tile.ncol;
  mc_ = tile.mc;
  nc_ = step.nc;
}

// Dot products along the kernel terms, four lanes by two pixels per kernel call, for steps whose
// reduction is long enough to amortise the final horizontal sums.
void ConvDatapath::run_dot(const std::vector<int16_t>& values, size_t chunk) {
  const uint32_t L = nc_ * K_ * K_;
  const Window& w = in_->window;
  hi_.resize(size_t(pixels_) * L);
  lo_.resize(size_t(pixels_) * L);
  for (uint32_t p = 0; p < pixels_; ++p) {
    const uint32_t ty = p / ncol_, tx = p % ncol_;
    for (uint32_t n = 0; n < nc_; ++n)
      for (uint32_t ky = 0; ky < K_; ++ky) {
        const int16_t* row = in_->data.data() + (size_t(n) * w.ny + ty * S_ + ky) * w.nx + tx * S_;
        const size_t o = size_t(p) * L + (size_t(n) * K_ + ky) * K_;
        split_activations(row, K_, hi_.data() + o, lo_.data() + o);
      }
  }
  for (uint32_t m = 0; m < mc_; m += 4) {
    const uint32_t lanes = std::min<uint32_t>(4, mc_ - m);
    const int16_t* rows[4];
    for (uint32_t k = 0; k < 4; ++k) rows[k] = values.data() + size_t(m + std::min(k, lanes - 1)) * L;
    for (uint32_t p = 0; p < pixels_; p += 2) {
      const uint32_t q = std::min(p + 1, pixels_ - 1);
      const int16_t* h[2] = {hi_.data() + size_t(p) * L, hi_.data() + size_t(q) * L};
      const int16_t* l[2] = {lo_.data() + size_t(p) * L, lo_.data() + size_t(q) * L};
      int64_t dots[2][4];
      exact_dot_2x4(h, l, rows, L, chunk, dots);
      for (uint32_t k = 0; k < lanes; ++k) {
        int64_t* acc = out_->acc.data() + size_t(m + k) * pixels_;
        acc[p] += dots[0][k];
        if (q != p) acc[q] += dots[1][k];
      }
    }
  }
}

void ConvDatapath::run_scalar(const std::vector<int16_t>& values) {
  const uint32_t L = nc_ * K_ * K_;
  const Window& w = in_->window;
  gather_.resize(L);
  for (uint32_t p = 0; p < pixels_; ++p) {
    const uint32_t ty = p / ncol_, tx = p % ncol_;
    for (uint32_t n = 0, e = 0; n < nc_; ++n)
      for (uint32_t ky = 0; ky < K_; ++ky) {
        const int16_t* row = in_->data.data() + (size_t(n) * w.ny + ty * S_ + ky) * w.nx + tx * S_;
        for (uint32_t kx = 0; kx < K_; ++kx, ++e) gather_[e] = row[kx];
      }
    for (uint32_t m = 0; m < mc_; ++m) {
      const int16_t* wm = values.data() + size_t(m) * L;
      int64_t sum = 0;
      for (uint32_t e = 0; e < L; ++e) sum += int64_t(int32_t(gather_[e]) * int32_t(wm[e]));
      out_->acc[size_t(m) * pixels_ + p] += sum;
    }
  }
}

void ConvDatapath::run_all(const std::vector<int16_t>& values) {
  const uint32_t L = nc_ * K_ * K_;
  int32_t max_w = 0;
  for (size_t i = 0; i < size_t(mc_) * L; ++i) max_w = std::max<int32_t>(max_w, std::abs(int32_t(values[i])));
  const size_t chunk = exact_dot_chunk(max_w);
  // Measured on AlexNet: dots win from about 128 terms (conv1, conv2), rows below (conv3-5);
  // a tile of one or two pixels (fully connected layers) is cheapest as plain int64 sums.
  if (pixels_ <= 2)
    run_scalar(values);
  else if (L >= 128)
    run_dot(values, chunk);
  else
    run_axpy(values, chunk);
}

// Weight-stationary, vectorised over the tile's pixels: for each lane and each kernel term, one
// scaled row of the transposed im2col is added to the lane's accumulators. The activations
// are split into high and low bytes so that int32 partial sums stay exact (common/exact_dot.h
// gives the bound), and folded into the 64-bit accumulators every `chunk` terms.
void ConvDatapath::run_axpy(const std::vector<int16_t>& values, size_t chunk) {
  const uint32_t L = nc_ * K_ * K_, P = pixels_;
  const Window& w = in_->window;
  hi_.resize(size_t(L) * P);
  lo_.resize(size_t(L) * P);
  for (uint32_t n = 0, e = 0; n < nc_; ++n)
    for (uint32_t ky = 0; ky < K_; ++ky)
      for (uint32_t kx = 0; kx < K_; ++kx, ++e) {
        int16_t* h = hi_.data() + size_t(e) * P;
        int16_t* l = lo_.data() + size_t(e) * P;
        for (uint32_t ty = 0; ty < P / ncol_; ++ty, h += ncol_, l += ncol_) {
          const int16_t* src = in_->data.data() + (size_t(n) * w.ny + ty * S_ + ky) * w.nx + kx;
          for (uint32_t tx = 0; tx < ncol_; ++tx) {
            const int16_t a = src[size_t(tx) * S_];
            h[tx] = int16_t(a >> 8);
            l[tx] = int16_t(a & 255);
          }
        }
      }
  hacc_.resize(P);
  lacc_.resize(P);
  for (uint32_t m = 0; m < mc_; ++m) {
    int64_t* acc = out_->acc.data() + size_t(m) * P;
    const int16_t* wm = values.data() + size_t(m) * L;
    size_t terms = 0;
    std::fill(hacc_.begin(), hacc_.end(), 0);
    std::fill(lacc_.begin(), lacc_.end(), 0);
    auto fold = [&] {
      for (uint32_t p = 0; p < P; ++p) acc[p] += int64_t(hacc_[p]) * 256 + lacc_[p];
      std::fill(hacc_.begin(), hacc_.end(), 0);
      std::fill(lacc_.begin(), lacc_.end(), 0);
      terms = 0;
    };
    for (uint32_t e = 0; e < L; ++e) {
      const int32_t wv = wm[e];
      if (wv == 0) continue;  // zero weights add nothing
      const int16_t* h = hi_.data() + size_t(e) * P;
      const int16_t* l = lo_.data() + size_t(e) * P;
      int32_t* hs = hacc_.data();
      int32_t* ls = lacc_.data();
      for (uint32_t p = 0; p < P; ++p) {
        hs[p] += wv * h[p];
        ls[p] += wv * l[p];
      }
      if (++terms == chunk) fold();
    }
    if (terms) fold();
  }
}

}  // namespace shiftsim::models
