#pragma once
// The tiled schedule of one layer: tiles (one output block each, stored once) made of steps
// (one load + one compute each). Plain C++: the controller runs it, tests reason about it.
// docs/ARCHITECTURE.md §5-§7 define every number here.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "models/act_bytes.h"
#include "models/arch_spec.h"
#include "models/control/program.h"

namespace shiftsim::models {

// A block of an input tensor: channels [ch0, +nch), rows [y0, +ny), cols [x0, +nx).
// y0/x0 may be negative and the block may overhang the tensor: those positions are padding,
// zero in the buffer and never read from DRAM.
struct Window {
  int32_t ch0 = 0, nch = 0, y0 = 0, ny = 0, x0 = 0, nx = 0;
  int64_t elements() const { return int64_t(nch) * ny * nx; }
};

// The DRAM reads that bring the part of window `w` inside a d.in_c x d.in_h x d.in_w tensor
// into the buffer: one read for all its channels when it covers whole channel planes (they
// are contiguous in CHW), else one per channel when it spans whole rows, else one per row.
// Calls read(c, chans, y, rows, xlo, cols) for each, in order: channels [ch0 + c, +chans),
// rows [y, +rows), cols [xlo, +cols) of the tensor; nothing when the window lies outside it.
template <class Read>
void for_each_window_read(const Descriptor& d, const Window& w, Read&& read) {
  const int32_t H = int32_t(d.in_h), W = int32_t(d.in_w);
  const int32_t ylo = std::max(0, w.y0), yhi = std::min(H, w.y0 + w.ny);
  const int32_t xlo = std::max(0, w.x0), xhi = std::min(W, w.x0 + w.nx);
  if (ylo >= yhi || xlo >= xhi) return;
  const bool whole_rows = xlo == 0 && xhi == W;
  const bool whole_planes = whole_rows && ylo == 0 && yhi == H;
  const int32_t cols = xhi - xlo;
  for (int32_t c = 0; c < w.nch; c = whole_planes ? w.nch : c + 1) {
    const int32_t chans = whole_planes ? w.nch : 1;
    for (int32_t y = ylo; y < yhi; y = whole_rows ? yhi : y + 1) {
      const int32_t rows = whole_rows ? yhi - ylo : 1;
      read(c, chans, y, rows, xlo, cols);
    }
  }
}

struct StepPlan {
  Window window;            // input block (eltwise: the same block of both inputs)
  uint32_t group = 0, mt = 0, nt = 0;  // conv: weight block (group, m tile, n tile)
  uint32_t n0 = 0, nc = 0;  // conv: input channels of the group in this step
  bool loads_bias = false;  // first step of a conv tile
};

struct TilePlan {
  uint32_t oc0 = 0, mc = 0;  // output channels [oc0, +mc) of this layer
  uint32_t r0 = 0, nr = 0, c0 = 0, ncol = 0;
  uint32_t first_step = 0, steps = 0;
};

struct LayerPlan {
  std::vector<TilePlan> tiles;
  std::vector<StepPlan> steps;
  uint32_t pieces = 1;      // conv: k x k pieces per kernel
};

// Bytes of one output-buffer entry: acc_bits and the guard bits above them, rounded up.
uint32_t acc_bytes(const ArchSpec& arch);
// Guard bits above acc_bits that the exact sum of conv/fc pass d needs: the product's width
// plus ceil(log2(C/groups x K^2)) (a sum of n values of b bits needs b + ceil(log2 n)), less
// acc_bits; 0 when acc_bits holds it, and for passes without products.
uint32_t guard_bits_for(const Descriptor& d, const ArchSpec& arch);
// The most any of the passes needs: the guard bits of a machine built for them.
template <class Passes>
uint32_t network_guard_bits(const Passes& passes, const ArchSpec& arch) {
  uint32_t g = 0;
  for (const Descriptor& d : passes) g = std::max(g, guard_bits_for(d, arch));
  return g;
}

// Largest tile (full rows first) whose input, weight and output blocks each fit one half of
// their double buffer. Sets d.tile_rows and d.tile_cols; returns an empty string on success or
// a message naming the buffer, the need and the capacity.
std::string choose_tiles(Descriptor& d, const ArchSpec& arch);

LayerPlan plan_layer(const Descriptor& d, const ArchSpec& arch);

}  // namespace shiftsim::models
