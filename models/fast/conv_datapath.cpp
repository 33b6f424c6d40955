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

// run_dot for weights so narrow that a step's whole sum fits int32 (run_all checks): the
// im2col unsplit, one multiply-add per term, four lanes by two pixels per pass.
void ConvDatapath::run_dot_narrow(const std::vector<int16_t>& values) {
  const uint32_t L = nc_ * K_ * K_;
  const Window& w = in_->window;
  hi_.resize(size_t(pixels_) * L);
  for (uint32_t p = 0; p < pixels_; ++p) {
    const uint32_t ty = p / ncol_, tx = p % ncol_;
    for (uint32_t n = 0; n < nc_; ++n)
      for (uint32_t ky = 0; ky < K_; ++ky) {
        const int16_t* row = in_->data.data() + (size_t(n) * w.ny + ty * S_ + ky) * w.nx + tx * S_;
        std::copy(row, row + K_, hi_.data() + size_t(p) * L + (size_t(n) * K_ + ky) * K_);
      }
  }
  for (uint32_t m = 0; m < mc_; m += 4) {
    const uint32_t lanes = std::min<uint32_t>(4, mc_ - m);
    const int16_t* rows[4];
    for (uint32_t k = 0; k < 4; ++k) rows[k] = values.data() + size_t(m + std::min(k, lanes - 1)) * L;
    for (uint32_t p = 0; p < pixels_; p += 2) {
      const uint32_t q = std::min(p + 1, pixels_ - 1);
      const int16_t* a0 = hi_.data() + size_t(p) * L;
      const int16_t* a1 = hi_.data() + size_t(q) * L;
      const int16_t *w0 = rows[0], *w1 = rows[1], *w2 = rows[2], *w3 = rows[3];
      int32_t s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (uint32_t i = 0; i < L; ++i) {
        const int32_t x = a0[i], y = a1[i];
        const int32_t u0 = w0[i], u1 = w1[i], u2 = w2[i], u3 = w3[i];
        s00 += x * u0, s01 += x * u1, s02 += x * u2, s03 += x * u3;
        s10 += y * u0, s11 += y * u1, s12 += y * u2, s13 += y * u3;
      }
      const int32_t dots[2][4] = {{s00, s01, s02, s03}, {s10, s11, s12, s13}};
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
  // A step's whole sum fits int32 (|a| <= 2^15): no split of the activations (the SVPE's
  // narrow codes; 16-bit VPE weights split).
  const bool narrow = uint64_t(L) * 32768u * uint64_t(std::max(max_w, 1)) < (uint64_t(1) << 31);
  // Measured on AlexNet: dots win from about 128 terms (conv1, conv2), rows below (conv3-5);
  // a tile of one or two pixels (fully connected layers) is cheapest as plain int64 sums.
  if (pixels_ <= 2)
    run_scalar(values);
  else if (L >= 128 && narrow)
    run_dot_narrow(values);
  else if (L >= 128)
    run_dot(values, chunk);
  else if (narrow)
    run_axpy_narrow(values);  // the whole sum fits int32: no split (the SVPE's narrow codes)
  else
    run_axpy(values, chunk);
}

// run_axpy for weights so narrow that a step's whole sum fits int32 (L * 2^15 * max|w| <
// 2^31, checked by run_all): the activations need no split and each term costs one
// multiply-add per pixel instead of two.
void ConvDatapath::run_axpy_narrow(const std::vector<int16_t>& values) {
  const uint32_t L = nc_ * K_ * K_, P = pixels_;
  const Window& w = in_->window;
  hi_.resize(size_t(L) * P);  // the transposed im2col, unsplit
  for (uint32_t n = 0, e = 0; n < nc_; ++n)
    for (uint32_t ky = 0; ky < K_; ++ky)
      for (uint32_t kx = 0; kx < K_; ++kx, ++e) {
        int16_t* a = hi_.data() + size_t(e) * P;
        for (uint32_t ty = 0; ty < P / ncol_; ++ty, a += ncol_) {
          const int16_t* src = in_->data.data() + (size_t(n) * w.ny + ty * S_ + ky) * w.nx + kx;
          for (uint32_t tx = 0; tx < ncol_; ++tx) a[tx] = src[size_t(tx) * S_];
        }
      }
  hacc_.resize(P);
  for (uint32_t m = 0; m < mc_; ++m) {
    int64_t* acc = out_->acc.data() + size_t(m) * P;
    const int16_t* wm = values.data() + size_t(m) * L;
    int32_t* s = hacc_.data();
    std::fill(hacc_.begin(), hacc_.end(), 0);
    for (uint32_t e = 0; e < L; ++e) {
      const int32_t wv = wm[e];
      if (wv == 0) continue;  // zero weights add nothing
      const int16_t* a = hi_.data() + size_t(e) * P;
      for (uint32_t p = 0; p < P; ++p) s[p] += wv * a[p];
    }
    for (uint32_t p = 0; p < P; ++p) acc[p] += s[p];
  }
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
