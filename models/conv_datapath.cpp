#include "models/conv_datapath.h"

#include "common/exact_dot.h"

namespace shiftsim::models {

void ConvDatapath::begin(const Descriptor& d, const TilePlan& tile, const StepPlan& step,
                         const InputHalf& in, OutputHalf& out) {
  in_ = &in;
  out_ = &out;
  K_ = d.kernel;
  S_ = d.stride;
  k_ = arch_.pe_array.kernel;
  kp_ = (K_ + k_ - 1) / k_;
  pieces_ = kp_ * kp_;
  pixels_ = tile.nr * tile.ncol;
  ncol_ = tile.ncol;
  mc_ = tile.mc;
  nc_ = step.nc;
  pow2_ = arch_.pe_array.kind == ArrayKind::svpe;
  piece_ = UINT32_MAX;
}

void ConvDatapath::run_all(const std::vector<int16_t>& values) {
  const uint32_t K2 = K_ * K_, L = nc_ * K2;
  const Window& w = in_->window;
  cols_.resize(size_t(pixels_) * L);
  for (uint32_t p = 0; p < pixels_; ++p) {
    const uint32_t ty = p / ncol_, tx = p % ncol_;
    int16_t* col = cols_.data() + size_t(p) * L;
    for (uint32_t n = 0; n < nc_; ++n)
      for (uint32_t ky = 0; ky < K_; ++ky) {
        const int16_t* row = in_->data.data() + (size_t(n) * w.ny + ty * S_ + ky) * w.nx + tx * S_;
        for (uint32_t kx = 0; kx < K_; ++kx) *col++ = row[kx];
      }
  }
  for (uint32_t m = 0; m < mc_; ++m) {
    int64_t* acc = out_->acc.data() + size_t(m) * pixels_;
    const int16_t* wm = values.data() + size_t(m) * L;
    for (uint32_t p = 0; p < pixels_; ++p) acc[p] += exact_dot_i16(cols_.data() + size_t(p) * L, wm, int(L));
  }
}

// Weight registers of one k x k piece; kernel positions beyond K hold zero.
void ConvDatapath::load_piece(uint32_t piece, const std::vector<int32_t>& fields) {
  piece_ = piece;
  const uint32_t py = piece / kp_, px = piece % kp_, k2 = k_ * k_;
  e_ = nc_ * k2;
  const size_t regs = size_t(mc_) * e_;
  wreg_.assign(regs, 0);
  shift_.assign(regs, 0);
  neg_.assign(regs, 0);
  nz_.assign(regs, 0);
  const uint32_t bits = arch_.numerics.weight_bits, mag_mask = (1u << (bits - 1)) - 1;
  for (uint32_t m = 0; m < mc_; ++m)
    for (uint32_t n = 0; n < nc_; ++n)
      for (uint32_t i = 0; i < k_; ++i)
        for (uint32_t j = 0; j < k_; ++j) {
          const uint32_t ky = py * k_ + i, kx = px * k_ + j;
          if (ky >= K_ || kx >= K_) continue;
          const int32_t w = fields[((size_t(m) * nc_ + n) * K_ + ky) * K_ + kx];
          const size_t r = size_t(m) * e_ + n * k2 + i * k_ + j;
          if (!pow2_) {
            wreg_[r] = w;
            continue;
          }
          const uint32_t mag = uint32_t(w) & mag_mask;
          nz_[r] = mag ? -1 : 0;
          shift_[r] = mag ? int32_t(mag - 1) : 0;
          neg_[r] = (uint32_t(w) >> (bits - 1)) & 1 ? -1 : 0;
        }
  win_.assign(e_, 0);
}

int64_t ConvDatapath::lane_sum(uint32_t m) const {
  int64_t sum = 0;
  const size_t base = size_t(m) * e_;
  if (pow2_) {
    for (uint32_t e = 0; e < e_; ++e) {
      // shift (as a multiply by 2^s: C++17 leaves << of a negative value undefined), then
      // select the sign: two's complement negate is (x ^ -1) - (-1)
      const int32_t shifted = (int32_t(win_[e]) * (1 << shift_[base + e])) & nz_[base + e];
      sum += (shifted ^ neg_[base + e]) - neg_[base + e];
    }
  } else {
    for (uint32_t e = 0; e < e_; ++e) sum += int64_t(int32_t(win_[e]) * wreg_[base + e]);
  }
  return sum;
}

void ConvDatapath::cycle(uint64_t i, const std::vector<int32_t>& fields) {
  const uint32_t piece = uint32_t(i / pixels_), p = uint32_t(i % pixels_);
  if (piece != piece_) load_piece(piece, fields);
  const uint32_t py = piece / kp_, px = piece % kp_, ty = p / ncol_, tx = p % ncol_;
  const Window& w = in_->window;
  // The k x k input window each convolver sees this cycle.
  for (uint32_t n = 0; n < nc_; ++n)
    for (uint32_t a = 0; a < k_; ++a)
      for (uint32_t b = 0; b < k_; ++b) {
        const uint32_t ky = py * k_ + a, kx = px * k_ + b;
        win_[(n * k_ + a) * k_ + b] =
            (ky < K_ && kx < K_)
                ? in_->data[(size_t(n) * w.ny + ty * S_ + ky) * w.nx + tx * S_ + kx]
                : int16_t(0);
      }
  for (uint32_t m = 0; m < mc_; ++m) out_->acc[size_t(m) * pixels_ + p] += lane_sum(m);
}

}  // namespace shiftsim::models
