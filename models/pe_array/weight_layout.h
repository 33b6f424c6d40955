#pragma once
// Where each weight block of a conv layer sits in DRAM and how its elements are encoded.
// The mapper (sim/) writes with it, the PE array reads with it: one definition of the format.
#include <cstdint>
#include <vector>

#include "models/arch_spec.h"
#include "models/control/program.h"

namespace shiftsim::models {

// Blocks start on this alignment so that every weight load begins on a bus beat.
constexpr uint32_t kWeightBlockAlign = 64;
constexpr uint32_t kBiasBytes = 8;  // one int64 per output channel, little endian

// One bias as the mapper stores it (kBiasBytes little-endian two's complement bytes).
inline int64_t read_bias(const uint8_t* bytes) {
  uint64_t v = 0;
  for (uint32_t b = 0; b < kBiasBytes; ++b) v |= uint64_t(bytes[b]) << (8 * b);
  return int64_t(v);
}

// Power-of-two code: sign bit on top, magnitude field below; magnitude 0 is zero and
// magnitude m > 0 is 2^(m-1+offset), offset the layer's for the code's sign (the descriptor's
// w_offset_pos / w_offset_neg: GSNQ's two sign windows; 0 otherwise), so the product is a left
// shift by m-1+offset. value must be 0 or +-2^s, offset <= s <= offset + 2^(bits-1) - 2.
uint32_t pow2_code(int32_t value, uint32_t bits, uint32_t offset_pos = 0, uint32_t offset_neg = 0);
int32_t pow2_value(uint32_t code, uint32_t bits, uint32_t offset_pos = 0, uint32_t offset_neg = 0);
// Bits one weight occupies in a block: the code for SVPE, whole bytes for VPE.
uint32_t weight_element_bits(const ArchSpec& arch);

class WeightLayout {
 public:
  WeightLayout(const Descriptor& d, const ArchSpec& arch);

  uint32_t in_per_group() const { return cg_; }
  uint32_t out_per_group() const { return mg_; }
  uint32_t m_tiles() const { return mt_; }
  uint32_t n_tiles() const { return nt_; }
  uint32_t element_bits() const { return bits_; }
  // SVPE: the value of one code with this layer's sign offsets.
  int32_t pow2_value(uint32_t code) const { return models::pow2_value(code, bits_, offset_pos_, offset_neg_); }
  // Block (g, mt, nt): output channels [mt*Tm, +mc) and input channels [nt*Tn, +nc) of group g.
  uint64_t block_offset(uint32_t g, uint32_t mt, uint32_t nt) const;
  uint32_t block_bytes(uint32_t g, uint32_t mt, uint32_t nt) const;
  uint64_t total_bytes() const { return offsets_.back(); }
  // The same without building the layout (a fully connected layer on a small array has
  // millions of blocks; `fit` sizes a network's regions for thousands of shapes).
  static uint64_t total_bytes(const Descriptor& d, const ArchSpec& arch);

  // weights: the layer's [out_c][in_c/groups][K][K] integers; dst: total_bytes(), zeroed.
  // row: the weights stored per output channel when fewer than (in_c/groups) K^2 (a fully
  // connected layer folded onto k x k convolvers stores its N inputs' weights; the rest of the
  // row is zero); 0 for all of them.
  void encode(const std::vector<int16_t>& weights, uint8_t* dst, uint64_t row = 0) const;
  // Block bytes -> one code (svpe) or value (vpe) per element, [m][n][ky][kx].
  void unpack(const uint8_t* block, uint32_t mc, uint32_t nc, std::vector<int32_t>& out) const;
  // The same block as int16 values (SVPE codes decoded to +-2^s), for the fast datapath.
  void unpack_values(const uint8_t* block, uint32_t mc, uint32_t nc, std::vector<int16_t>& out) const;

 private:
  uint32_t index(uint32_t g, uint32_t mt, uint32_t nt) const { return (g * mt_ + mt) * nt_ + nt; }
  uint32_t tm_, tn_, k2_, cg_, mg_, mt_, nt_, bits_;
  uint32_t offset_pos_, offset_neg_;  // the descriptor's sign offsets (SVPE)
  bool pow2_;
  std::vector<uint64_t> offsets_;  // per block, plus the end
};

}  // namespace shiftsim::models
