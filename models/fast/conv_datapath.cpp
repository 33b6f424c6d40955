#include "models/fast/conv_datapath.h"

#include <algorithm>
#include <cstdlib>

#include "common/exact_dot.h"

namespace shiftsim::models {

namespace {
// Staged im2col of one tile, in int16 elements (8 MiB): a tile with more terms is multiplied in
// parts, which the exact sums allow.
constexpr size_t kMaxStaged = size_t(4) << 20;
// From about this many terms a lane, long dot products beat adding scaled rows (measured on
// AlexNet's layers).
constexpr size_t kDotTerms = 128;
}  // namespace

void ConvDatapath::begin_tile(const Descriptor& d, const TilePlan& tile, uint64_t terms, OutputHalf& out) {
  out_ = &out;
  K_ = d.kernel;
  S_ = d.stride;
  pixels_ = tile.nr * tile.ncol;
  ncol_ = tile.ncol;
  mc_ = tile.mc;
  stride_ = size_t(std::min<uint64_t>(terms, std::max<size_t>(1, kMaxStaged / std::max<uint32_t>(1, pixels_))));
  used_ = 0;
  max_w_ = 0;
}

// Each pixel's window of the step, kernel row by kernel row, after the terms already staged.
// K: the kernel, or 0 for one known only at run time.
template <uint32_t K>
void ConvDatapath::stage_windows(const StepPlan& step, const InputHalf& in) {
  const uint32_t k = K ? K : K_;
  const Window& w = in.window;
  for (uint32_t p = 0; p < pixels_; ++p) {
    const uint32_t ty = p / ncol_, tx = p % ncol_;
    int16_t* dst = cols_.data() + size_t(p) * stride_ + used_;
    for (uint32_t n = 0; n < step.nc; ++n)
      for (uint32_t ky = 0; ky < k; ++ky, dst += k) {
        const int16_t* row = in.data.data() + (size_t(n) * w.ny + ty * S_ + ky) * w.nx + tx * S_;
        for (uint32_t x = 0; x < k; ++x) dst[x] = row[x];
      }
  }
}

void ConvDatapath::add_step(const StepPlan& step, const InputHalf& in, const std::vector<int16_t>& values) {
  const size_t L = size_t(step.nc) * K_ * K_;
  if (used_ + L > stride_) {
    flush();
    stride_ = std::max(stride_, L);
  }
  cols_.resize(size_t(pixels_) * stride_);
  w_.resize(size_t(mc_) * stride_);
  switch (K_) {  // a kernel row is a few elements: copies of a known length stay inline
    case 1: stage_windows<1>(step, in); break;
    case 3: stage_windows<3>(step, in); break;
    case 5: stage_windows<5>(step, in); break;
    case 7: stage_windows<7>(step, in); break;
    case 11: stage_windows<11>(step, in); break;
    default: stage_windows<0>(step, in); break;
  }
  for (uint32_t m = 0; m < mc_; ++m) {
    const int16_t* src = values.data() + size_t(m) * L;
    std::copy(src, src + L, w_.data() + size_t(m) * stride_ + used_);
    for (size_t i = 0; i < L; ++i) max_w_ = std::max<int32_t>(max_w_, std::abs(int32_t(src[i])));
  }
  used_ += L;
}

void ConvDatapath::finish_tile() { flush(); }

void ConvDatapath::flush() {
  if (used_ == 0) return;
  // The staged sum fits int32 (|a| <= 2^15): no split of the activations (the SVPE's narrow
  // codes; 16-bit VPE weights split).
  const bool narrow = uint64_t(used_) * 32768u * uint64_t(std::max(max_w_, 1)) < (uint64_t(1) << 31);
  if (pixels_ <= 2)
    run_scalar();
  else if (used_ >= kDotTerms)
    narrow ? run_dot_narrow() : run_dot();
  else
    run_axpy(narrow, exact_dot_chunk(max_w_));
  used_ = 0;
  max_w_ = 0;
}

void ConvDatapath::run_scalar() {
  for (uint32_t p = 0; p < pixels_; ++p) {
    const int16_t* a = cols_.data() + size_t(p) * stride_;
    for (uint32_t m = 0; m < mc_; ++m) {
      const int16_t* wm = w_.data() + size_t(m) * stride_;
      int64_t sum = 0;
      for (size_t e = 0; e < used_; ++e) sum += int64_t(int32_t(a[e]) * int32_t(wm[e]));
      out_->acc[size_t(m) * pixels_ + p] += sum;
    }
  }
}

// Dot products along the terms, four lanes by two pixels per kernel call; the activations split
// so that the int32 partial sums stay exact (common/exact_dot.h).
void ConvDatapath::run_dot() {
  hi_.resize(size_t(pixels_) * used_);
  lo_.resize(size_t(pixels_) * used_);
  for (uint32_t p = 0; p < pixels_; ++p)
    split_activations(cols_.data() + size_t(p) * stride_, used_, hi_.data() + size_t(p) * used_,
                      lo_.data() + size_t(p) * used_);
  const size_t chunk = exact_dot_chunk(max_w_);
  for (uint32_t m = 0; m < mc_; m += 4) {
    const uint32_t lanes = std::min<uint32_t>(4, mc_ - m);
    const int16_t* rows[4];
    for (uint32_t k = 0; k < 4; ++k) rows[k] = w_.data() + size_t(m + std::min(k, lanes - 1)) * stride_;
    for (uint32_t p = 0; p < pixels_; p += 2) {
      const uint32_t q = std::min(p + 1, pixels_ - 1);
      const int16_t* h[2] = {hi_.data() + size_t(p) * used_, hi_.data() + size_t(q) * used_};
      const int16_t* l[2] = {lo_.data() + size_t(p) * used_, lo_.data() + size_t(q) * used_};
      int64_t dots[2][4];
      exact_dot_2x4(h, l, rows, used_, chunk, dots);
      for (uint32_t k = 0; k < lanes; ++k) {
        int64_t* acc = out_->acc.data() + size_t(m + k) * pixels_;
        acc[p] += dots[0][k];
        if (q != p) acc[q] += dots[1][k];
      }
    }
  }
}

// run_dot for a staged sum that fits int32 (flush checks): one multiply-add per term.
void ConvDatapath::run_dot_narrow() {
  const size_t L = used_;
  for (uint32_t m = 0; m < mc_; m += 4) {
    const uint32_t lanes = std::min<uint32_t>(4, mc_ - m);
    const int16_t* rows[4];
    for (uint32_t k = 0; k < 4; ++k) rows[k] = w_.data() + size_t(m + std::min(k, lanes - 1)) * stride_;
    for (uint32_t p = 0; p < pixels_; p += 2) {
      const uint32_t q = std::min(p + 1, pixels_ - 1);
      const int16_t* a0 = cols_.data() + size_t(p) * stride_;
      const int16_t* a1 = cols_.data() + size_t(q) * stride_;
      const int16_t *w0 = rows[0], *w1 = rows[1], *w2 = rows[2], *w3 = rows[3];
      int32_t s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (size_t i = 0; i < L; ++i) {
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

// Few terms a lane: weight-stationary, vectorised over the tile's pixels. For each lane and
// term, one scaled row of the transposed im2col is added to the lane's int32 sums, folded into
// the 64-bit accumulators every `chunk` terms. Unless the whole sum fits int32 (narrow), the
// activations are split into high and low bytes (common/exact_dot.h gives the bound).
void ConvDatapath::run_axpy(bool narrow, size_t chunk) {
  const size_t L = used_, P = pixels_;
  hi_.resize(L * P);
  if (!narrow) lo_.resize(L * P);
  for (size_t p = 0; p < P; ++p) {
    const int16_t* a = cols_.data() + p * stride_;
    for (size_t e = 0; e < L; ++e) {
      if (narrow) {
        hi_[e * P + p] = a[e];
      } else {
        hi_[e * P + p] = int16_t(a[e] >> 8);
        lo_[e * P + p] = int16_t(a[e] & 255);
      }
    }
  }
  if (narrow) chunk = L;
  hacc_.resize(P);
  lacc_.resize(P);
  for (uint32_t m = 0; m < mc_; ++m) {
    int64_t* acc = out_->acc.data() + size_t(m) * P;
    const int16_t* wm = w_.data() + size_t(m) * stride_;
    size_t terms = 0;
    std::fill(hacc_.begin(), hacc_.end(), 0);
    std::fill(lacc_.begin(), lacc_.end(), 0);
    auto fold = [&] {
      const int64_t scale = narrow ? 1 : 256;
      for (size_t p = 0; p < P; ++p) acc[p] += int64_t(hacc_[p]) * scale + lacc_[p];
      std::fill(hacc_.begin(), hacc_.end(), 0);
      std::fill(lacc_.begin(), lacc_.end(), 0);
      terms = 0;
    };
    for (size_t e = 0; e < L; ++e) {
      const int32_t wv = wm[e];
      if (wv == 0) continue;  // zero weights add nothing
      const int16_t* h = hi_.data() + e * P;
      int32_t* hs = hacc_.data();
      if (narrow) {
        for (size_t p = 0; p < P; ++p) hs[p] += wv * h[p];
      } else {
        const int16_t* l = lo_.data() + e * P;
        int32_t* ls = lacc_.data();
        for (size_t p = 0; p < P; ++p) {
          hs[p] += wv * h[p];
          ls[p] += wv * l[p];
        }
      }
      if (++terms == chunk) fold();
    }
    if (terms) fold();
  }
}

}  // namespace shiftsim::models
