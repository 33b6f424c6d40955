#include "models/weight_layout.h"

#include <algorithm>
#include <stdexcept>

namespace shiftsim::models {

namespace {
// LSB-first bit streams: the element codes of a block, packed back to back.
class BitWriter {
 public:
  explicit BitWriter(uint8_t* dst) : p_(dst) {}
  void put(uint32_t field, uint32_t bits) {
    buf_ |= uint64_t(field) << have_;
    have_ += bits;
    while (have_ >= 8) {
      *p_++ = uint8_t(buf_ & 0xFF);
      buf_ >>= 8;
      have_ -= 8;
    }
  }
  void flush() {
    if (have_ > 0) *p_ = uint8_t(buf_ & 0xFF);
  }

 private:
  uint8_t* p_;
  uint64_t buf_ = 0;
  uint32_t have_ = 0;
};

class BitReader {
 public:
  explicit BitReader(const uint8_t* src) : p_(src) {}
  uint32_t get(uint32_t bits) {
    while (have_ < bits) {
      buf_ |= uint64_t(*p_++) << have_;
      have_ += 8;
    }
    const uint32_t v = uint32_t(buf_ & ((uint64_t(1) << bits) - 1));
    buf_ >>= bits;
    have_ -= bits;
    return v;
  }

 private:
  const uint8_t* p_;
  uint64_t buf_ = 0;
  uint32_t have_ = 0;
};
}  // namespace

uint32_t pow2_code(int32_t value, uint32_t bits) {
  if (value == 0) return 0;
  const uint32_t mag = uint32_t(value < 0 ? -int64_t(value) : value);
  if ((mag & (mag - 1)) != 0) throw std::invalid_argument("pow2_code: not a power of two");
  const uint32_t s = uint32_t(__builtin_ctz(mag));
  if (s + 1 >= (1u << (bits - 1))) throw std::invalid_argument("pow2_code: shift out of range");
  return (value < 0 ? 1u << (bits - 1) : 0u) | (s + 1);
}

uint32_t weight_element_bits(const ArchSpec& arch) {
  return arch.pe_array.kind == ArrayKind::svpe ? arch.numerics.weight_bits
                                               : 8 * ((arch.numerics.weight_bits + 7) / 8);
}

int32_t pow2_value(uint32_t code, uint32_t bits) {
  const uint32_t mag = code & ((1u << (bits - 1)) - 1);
  if (mag == 0) return 0;
  const int32_t v = int32_t(1) << (mag - 1);
  return (code >> (bits - 1)) & 1 ? -v : v;
}

WeightLayout::WeightLayout(const Descriptor& d, const ArchSpec& arch)
    : tm_(arch.pe_array.lanes),
      tn_(arch.pe_array.vector),
      k2_(d.kernel * d.kernel),
      cg_(d.in_c / d.groups),
      mg_(d.out_c / d.groups),
      pow2_(arch.pe_array.kind == ArrayKind::svpe) {
  mt_ = (mg_ + tm_ - 1) / tm_;
  nt_ = (cg_ + tn_ - 1) / tn_;
  bits_ = weight_element_bits(arch);
  offsets_.reserve(size_t(d.groups) * mt_ * nt_ + 1);
  uint64_t at = 0;
  for (uint32_t g = 0; g < d.groups; ++g)
    for (uint32_t mt = 0; mt < mt_; ++mt)
      for (uint32_t nt = 0; nt < nt_; ++nt) {
        offsets_.push_back(at);
        const uint64_t mc = std::min(tm_, mg_ - mt * tm_), nc = std::min(tn_, cg_ - nt * tn_);
        const uint64_t bytes = (mc * nc * k2_ * bits_ + 7) / 8;
        at += (bytes + kWeightBlockAlign - 1) / kWeightBlockAlign * kWeightBlockAlign;
      }
  offsets_.push_back(at);
}

uint64_t WeightLayout::block_offset(uint32_t g, uint32_t mt, uint32_t nt) const {
  return offsets_.at(index(g, mt, nt));
}

uint32_t WeightLayout::block_bytes(uint32_t g, uint32_t mt, uint32_t nt) const {
  const uint64_t mc = std::min(tm_, mg_ - mt * tm_), nc = std::min(tn_, cg_ - nt * tn_);
  (void)g;
  return uint32_t((mc * nc * k2_ * bits_ + 7) / 8);
}

void WeightLayout::encode(const std::vector<int32_t>& weights, uint8_t* dst) const {
  const uint32_t groups = uint32_t((offsets_.size() - 1) / (size_t(mt_) * nt_));
  for (uint32_t g = 0; g < groups; ++g)
    for (uint32_t mt = 0; mt < mt_; ++mt)
      for (uint32_t nt = 0; nt < nt_; ++nt) {
        BitWriter out(dst + block_offset(g, mt, nt));
        const uint32_t mc = std::min(tm_, mg_ - mt * tm_), nc = std::min(tn_, cg_ - nt * tn_);
        for (uint32_t m = 0; m < mc; ++m)
          for (uint32_t n = 0; n < nc; ++n)
            for (uint32_t e = 0; e < k2_; ++e) {
              const size_t oc = size_t(g) * mg_ + mt * tm_ + m, ic = size_t(nt) * tn_ + n;
              const int32_t w = weights.at((oc * cg_ + ic) * k2_ + e);
              const uint32_t field =
                  pow2_ ? pow2_code(w, bits_) : uint32_t(w) & ((1u << bits_) - 1);
              out.put(field, bits_);
            }
        out.flush();
      }
}

void WeightLayout::unpack(const uint8_t* block, uint32_t mc, uint32_t nc,
                          std::vector<int32_t>& out) const {
  const size_t n = size_t(mc) * nc * k2_;
  out.resize(n);
  BitReader in(block);
  for (size_t i = 0; i < n; ++i) {
    const uint32_t field = in.get(bits_);
    out[i] = pow2_ ? int32_t(field) : int32_t(field << (32 - bits_)) >> (32 - bits_);
  }
}

void WeightLayout::unpack_values(const uint8_t* block, uint32_t mc, uint32_t nc,
                                 std::vector<int16_t>& out) const {
  const size_t n = size_t(mc) * nc * k2_;
  out.resize(n);
  if (!pow2_ && bits_ == 16) {  // the common VPE case: plain little-endian int16
    for (size_t i = 0; i < n; ++i) out[i] = int16_t(block[2 * i] | (block[2 * i + 1] << 8));
    return;
  }
  int16_t table[256] = {};  // code -> value (pow2 codes are at most 5 bits)
  if (pow2_)
    for (uint32_t c = 0; c < (1u << bits_); ++c) table[c] = int16_t(pow2_value(c, bits_));
  BitReader in(block);
  for (size_t i = 0; i < n; ++i) {
    const uint32_t field = in.get(bits_);
    out[i] = pow2_ ? table[field] : int16_t(int32_t(field << (32 - bits_)) >> (32 - bits_));
  }
}

}  // namespace shiftsim::models
