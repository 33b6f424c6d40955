#include "models/postproc/vector_datapath.h"

#include <algorithm>

namespace shiftsim::models {

void VectorDatapath::begin(const Descriptor& d, const TilePlan& tile, const InputHalf& in,
                           OutputHalf& out) {
  d_ = &d;
  in_ = &in;
  out_ = &out;
  pixels_ = tile.nr * tile.ncol;
  ncol_ = tile.ncol;
  mc_ = tile.mc;
  per_pixel_ = d.op == Op::eltwise ? 1 : d.kernel * d.kernel;
  run_.assign(mc_, 0);
  seen_.assign(mc_, 0);
}

// Window element e of output pixel p for lane m; `valid` is false on padding.
int64_t VectorDatapath::element(uint32_t m, uint32_t p, uint32_t e, bool& valid) const {
  const Window& w = in_->window;
  const uint32_t ty = p / ncol_, tx = p % ncol_;
  if (d_->op == Op::eltwise) {
    valid = true;
    const size_t at = (size_t(m) * w.ny + ty) * w.nx + tx;
    int64_t v = int64_t(in_->data[at]) * (int64_t(1) << d_->shift_a);
    if (d_->inputs == 2) v += int64_t(in_->second()[at]) * (int64_t(1) << d_->shift_b);
    return v;
  }
  const uint32_t ky = e / d_->kernel, kx = e % d_->kernel;
  const uint32_t wy = ty * d_->stride + ky, wx = tx * d_->stride + kx;
  const int64_t y = w.y0 + int64_t(wy), x = w.x0 + int64_t(wx);
  valid = y >= 0 && y < int64_t(d_->in_h) && x >= 0 && x < int64_t(d_->in_w);
  return in_->data[(size_t(m) * w.ny + wy) * w.nx + wx];
}

void VectorDatapath::finish_pixel(uint32_t m, uint32_t p) {
  int64_t v = run_[m];
  if (d_->op == Op::avgpool) {  // floor((2 sum + N) / 2N): round half up
    const int64_t n2 = 2 * int64_t(d_->kernel) * d_->kernel, num = 2 * v + n2 / 2;
    v = num >= 0 ? num / n2 : -((-num + n2 - 1) / n2);
  }
  out_->acc[size_t(m) * pixels_ + p] = v;
  run_[m] = 0;
  seen_[m] = 0;
}

void VectorDatapath::cycle(uint64_t i) {
  const uint32_t p = uint32_t(i / per_pixel_), e = uint32_t(i % per_pixel_);
  for (uint32_t m = 0; m < mc_; ++m) {
    bool valid = false;
    const int64_t v = element(m, p, e, valid);
    if (d_->op == Op::maxpool) {
      if (valid) {
        run_[m] = seen_[m] ? std::max(run_[m], v) : v;
        seen_[m] = 1;
      }
    } else {
      run_[m] += valid ? v : 0;
    }
    if (e + 1 == per_pixel_) finish_pixel(m, p);
  }
}

void VectorDatapath::run_all() {
  for (uint64_t i = 0; i < issue_cycles(); ++i) cycle(i);
}

}  // namespace shiftsim::models
