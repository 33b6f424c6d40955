#pragma once
// Fast mode's fully connected passes (a conv pass whose input is whole K x K planes under a K x K
// kernel and a 1 x 1 output: a fully connected layer folded onto the array, docs/ARCHITECTURE.md
// §2, one pixel per tile). Such a pass has tens of thousands of steps of Tm x Tn x K^2 products
// each, so the general path's per-step work (gathering
// the window from DRAM, unpacking the block into a fresh vector, scanning it for the largest
// weight, choosing a kernel) costs more than the products. Here the input vector is read once
// per pass and each step only decodes its weight block (table-driven) and adds Tm short dot
// products to the tile's accumulators. The sums are exact (int64), so the result equals the
// general path's and the golden executor's bit for bit.
#include <cstdint>
#include <vector>

#include "models/arch_spec.h"
#include "models/control/layer_plan.h"
#include "models/control/program.h"
#include "models/pe_array/weight_layout.h"

namespace shiftsim::models {

// int16 that may alias other types: weight values read in place from the DRAM's bytes.
using AliasedInt16 = int16_t __attribute__((may_alias));

// A weight block's bit stream (WeightLayout's format: LSB first, one field per element) as
// int16 values, several fields per table look-up. Equals WeightLayout::unpack_values.
class WeightDecoder {
 public:
  WeightDecoder(const ArchSpec& arch, const WeightLayout& layout);
  // The first n elements of `block` (its `bytes` bytes) into out[0, n); out must hold
  // n + 3 elements (the last look-up may write up to 3 past n).
  void decode(const uint8_t* block, uint32_t bytes, size_t n, int16_t* out);
  // The same values: `block` itself where it holds them already (little-endian int16 on a
  // little-endian host, two-byte aligned), else decoded into out as decode() does. AlexNet's
  // fc6 on the VPE is 75 MB of such weights, which a copy would read and write once more.
  const AliasedInt16* values(const uint8_t* block, uint32_t bytes, size_t n, int16_t* out);
  // The largest |value| a field can decode to.
  int32_t max_abs() const { return max_abs_; }

 private:
  enum class Mode { int16_le, int8, table };
  Mode mode_ = Mode::table;
  uint32_t bits_ = 0, per_ = 1;  // field bits; fields per look-up (per_ * bits_ <= 12)
  std::vector<uint64_t> lut_;    // 2^(per_ * bits_) entries: per_ int16 values, little endian
  std::vector<uint8_t> scratch_;  // the block, padded so that every look-up may read 4 bytes
  int32_t max_abs_ = 0;
};

class FcDatapath {
 public:
  // True for the passes this path computes (see the top of this file).
  static bool applies(const Descriptor& d);

  // The pass's input vector: d.in_c x K^2 activations of `act_bytes` bytes from `input`. False
  // (and nothing to do here) for weight elements wider than 16 bits.
  bool begin(const ArchSpec& arch, const Descriptor& d, const WeightLayout& layout, const uint8_t* input);
  // One step: acc[m] += sum over the step's nc K^2 terms of w[m][i] * x[window.ch0 K^2 + i], for
  // the tile's mc lanes; `block` is the step's weight block as stored in DRAM.
  void step(const StepPlan& step, uint32_t mc, const uint8_t* block, uint32_t block_bytes, int64_t* acc);

 private:
  std::vector<int16_t> x_;
  std::vector<int16_t> values_;
  std::vector<WeightDecoder> decoder_;  // one, built in begin()
  bool narrow_ = false;  // every step's dot product fits int32 (products and their sum)
  uint32_t k2_ = 1;  // K^2: the folded input's plane
};

}  // namespace shiftsim::models
