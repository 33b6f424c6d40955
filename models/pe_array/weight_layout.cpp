#include "models/pe_array/weight_layout.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

#include "common/two_halves.h"
#include "models/pe_array/array_kind.h"

namespace shiftsim::models {

namespace {
// LSB-first bit streams: the element codes of a block, packed back to back.
class BitWriter {
 public:
  explicit BitWriter(uint8_t* dst) : p_(dst) {}
  void put(uint32_t field, uint32_t bits) {
    buf_ |= uint64_t(field) << have_;
    have_ += bits;
    if (have_ >= 32) {  // whole 32-bit words: one store instead of a loop per byte
      const uint32_t word = uint32_t(buf_);
      std::memcpy(p_, &word, 4);  // the stream is little endian, like the host
      p_ += 4;
      buf_ >>= 32;
      have_ -= 32;
    }
  }
  void flush() {
    for (; have_ > 0; have_ = have_ > 8 ? have_ - 8 : 0) {
      *p_++ = uint8_t(buf_ & 0xFF);
      buf_ >>= 8;
    }
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

namespace {
// The code of one weight; bad turns nonzero when the value has no code in this width. Callers
// that encode millions of weights check bad once, after the loop.
inline uint32_t pow2_field(int32_t value, uint32_t bits, uint32_t& bad) {
  // Branch-free: random weights make the sign and zero tests unpredictable.
  const uint32_t neg = uint32_t(value) >> 31, sign = 0u - neg;
  const uint32_t mag = (uint32_t(value) ^ sign) + neg;
  const uint32_t s = uint32_t(__builtin_ctz(mag | 0x80000000u));
  const uint32_t nonzero = uint32_t(mag != 0);
  bad |= (mag & (mag - 1)) | (nonzero & uint32_t(s + 1 >= (1u << (bits - 1))));
  return (0u - nonzero) & ((neg << (bits - 1)) | (s + 1));
}
}  // namespace

// The code of one weight with sign offsets: the value shifted down by its sign's offset, whose
// low bits must be zero (a power of two at or above 2^offset).
inline uint32_t pow2_field(int32_t value, uint32_t bits, uint32_t offset_pos, uint32_t offset_neg, uint32_t& bad) {
  const uint32_t offset = value < 0 ? offset_neg : offset_pos;
  const uint32_t mag = value < 0 ? 0u - uint32_t(value) : uint32_t(value);
  bad |= mag & ((1u << offset) - 1);
  return pow2_field(value < 0 ? -int32_t(mag >> offset) : int32_t(mag >> offset), bits, bad);
}

namespace {
// Above every code (power-of-two codes have at most 5 bits): a value with none.
constexpr uint8_t kBadCode = 0xFF;

// n codes of `bits` each, packed LSB first from dst on, as BitWriter packs them: eight codes
// of up to 8 bits fill exactly `bits` bytes, so they go out as one little-endian word.
void pack_codes(const uint16_t* codes, size_t n, uint32_t bits, uint8_t* dst) {
  if (bits == 16) {
    for (size_t i = 0; i < n; ++i) {
      dst[2 * i] = uint8_t(codes[i]);
      dst[2 * i + 1] = uint8_t(codes[i] >> 8);
    }
    return;
  }
  if (bits > 8) {
    BitWriter out(dst);
    for (size_t i = 0; i < n; ++i) out.put(codes[i], bits);
    out.flush();
    return;
  }
  size_t i = 0;
  for (; i + 8 <= n; i += 8, dst += bits) {
    uint64_t word = 0;
    for (uint32_t j = 0; j < 8; ++j) word |= uint64_t(codes[i + j]) << (bits * j);
    for (uint32_t b = 0; b < bits; ++b) dst[b] = uint8_t(word >> (8 * b));
  }
  uint64_t word = 0;
  for (uint32_t j = 0; i + j < n; ++j) word |= uint64_t(codes[i + j]) << (bits * j);
  for (uint32_t b = 0; b < ((n - i) * bits + 7) / 8; ++b) dst[b] = uint8_t(word >> (8 * b));
}
}  // namespace

uint32_t pow2_code(int32_t value, uint32_t bits, uint32_t offset_pos, uint32_t offset_neg) {
  uint32_t bad = 0;
  const uint32_t code = pow2_field(value, bits, offset_pos, offset_neg, bad);
  if (bad != 0) {
    const uint32_t offset = value < 0 ? offset_neg : offset_pos;
    throw std::invalid_argument("pow2_code: " + std::to_string(value) + " is not 0 or +-2^s with " +
                                (offset ? std::to_string(offset) + " <= s <= " : "s <= ") +
                                std::to_string((1u << (bits - 1)) - 2 + offset));
  }
  return code;
}

uint32_t weight_element_bits(const ArchSpec& arch) {
  return array_kind_model(arch).weight_element_bits(arch.numerics.weight_bits);
}

int32_t pow2_value(uint32_t code, uint32_t bits, uint32_t offset_pos, uint32_t offset_neg) {
  const uint32_t mag = code & ((1u << (bits - 1)) - 1);
  if (mag == 0) return 0;
  const bool neg = (code >> (bits - 1)) & 1;
  const int32_t v = int32_t(1) << (mag - 1 + (neg ? offset_neg : offset_pos));
  return neg ? -v : v;
}

WeightLayout::WeightLayout(const Descriptor& d, const ArchSpec& arch)
    : tm_(arch.pe_array.lanes),
      tn_(arch.pe_array.vector),
      k2_(d.kernel * d.kernel),
      cg_(d.in_c / d.groups),
      mg_(d.out_c / d.groups),
      offset_pos_(d.w_offset_pos),
      offset_neg_(d.w_offset_neg),
      pow2_(array_kind_model(arch).weight_code() == WeightCode::pow2_sign_magnitude) {
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

uint64_t WeightLayout::total_bytes(const Descriptor& d, const ArchSpec& arch) {
  const uint64_t tm = arch.pe_array.lanes, tn = arch.pe_array.vector, k2 = uint64_t(d.kernel) * d.kernel;
  const uint64_t cg = d.in_c / d.groups, mg = d.out_c / d.groups, bits = weight_element_bits(arch);
  if (cg == 0 || mg == 0) return 0;
  const uint64_t mt = (mg + tm - 1) / tm, nt = (cg + tn - 1) / tn;
  const uint64_t last_m = mg - (mt - 1) * tm, last_n = cg - (nt - 1) * tn;
  auto block = [&](uint64_t mc, uint64_t nc) {
    const uint64_t bytes = (mc * nc * k2 * bits + 7) / 8;
    return (bytes + kWeightBlockAlign - 1) / kWeightBlockAlign * kWeightBlockAlign;
  };
  return uint64_t(d.groups) * ((mt - 1) * (nt - 1) * block(tm, tn) + (mt - 1) * block(tm, last_n) +
                               (nt - 1) * block(last_m, tn) + block(last_m, last_n));
}

uint64_t WeightLayout::block_offset(uint32_t g, uint32_t mt, uint32_t nt) const {
  return offsets_.at(index(g, mt, nt));
}

uint32_t WeightLayout::block_bytes(uint32_t g, uint32_t mt, uint32_t nt) const {
  const uint64_t mc = std::min(tm_, mg_ - mt * tm_), nc = std::min(tn_, cg_ - nt * tn_);
  (void)g;
  return uint32_t((mc * nc * k2_ * bits_ + 7) / 8);
}

void WeightLayout::encode(const std::vector<int16_t>& weights, uint8_t* dst, uint64_t row) const {
  const uint32_t groups = uint32_t((offsets_.size() - 1) / (size_t(mt_) * nt_));
  const uint64_t full = uint64_t(cg_) * k2_;
  if (row == 0) row = full;
  if (row > full || weights.size() != size_t(groups) * mg_ * row)
    throw std::invalid_argument("WeightLayout::encode: " + std::to_string(weights.size()) + " weights in rows of " +
                                std::to_string(row) + " for a layout of " + std::to_string(groups * mg_) +
                                " rows of " + std::to_string(full));
  const uint32_t bits = bits_, mask = bits >= 16 ? 0xFFFFu : (1u << bits) - 1;
  // A large layer looks its power-of-two codes up by value (every int16 has an entry; kBadCode
  // marks values with no code) instead of working each one out.
  std::vector<uint8_t> code_of;
  if (pow2_ && weights.size() >= (size_t(1) << 16)) {
    code_of.resize(size_t(1) << 16);
    for (int32_t v = INT16_MIN; v <= INT16_MAX; ++v) {
      uint32_t bad = 0;
      const uint32_t code = pow2_field(v, bits, offset_pos_, offset_neg_, bad);
      code_of[uint16_t(v)] = bad ? kBadCode : uint8_t(code);
    }
  }
  // Blocks start on their own bytes, so two threads can write halves of the block list (a
  // layer of a million weights or more: AlexNet's fc6 has 37.7 M).
  uint32_t bad_in_half[2] = {0, 0};
  const size_t min_split = weights.size() >= (size_t(1) << 20) ? 2 : SIZE_MAX;
  in_two_halves(size_t(groups) * mt_, min_split, [&](size_t begin, size_t end) {
    uint32_t bad = 0;
    std::vector<uint16_t> codes;  // one block's, in stream order
    for (size_t gm = begin; gm < end; ++gm) {
      const uint32_t g = uint32_t(gm / mt_), mt = uint32_t(gm % mt_);
      for (uint32_t nt = 0; nt < nt_; ++nt) {
        const uint32_t mc = std::min(tm_, mg_ - mt * tm_), nc = std::min(tn_, cg_ - nt * tn_);
        const size_t run = size_t(nc) * k2_;  // [n][ky][kx] of one output channel is contiguous
        const uint64_t first = uint64_t(nt) * tn_ * k2_;
        const size_t stored = size_t(std::min<uint64_t>(run, row > first ? row - first : 0));
        codes.assign(size_t(mc) * run, 0);  // past `stored`: zero, both codes' zero
        for (uint32_t m = 0; m < mc; ++m) {
          const int16_t* w = weights.data() + (size_t(g) * mg_ + mt * tm_ + m) * row + first;
          uint16_t* c = codes.data() + size_t(m) * run;
          if (!code_of.empty()) {
            uint8_t worst = 0;
            for (size_t i = 0; i < stored; ++i) {
              const uint8_t code = code_of[uint16_t(w[i])];
              worst = std::max(worst, code);
              c[i] = code;
            }
            bad |= uint32_t(worst == kBadCode);
          } else if (pow2_) {
            for (size_t i = 0; i < stored; ++i) c[i] = uint16_t(pow2_field(w[i], bits, offset_pos_, offset_neg_, bad));
          } else {
            for (size_t i = 0; i < stored; ++i) c[i] = uint16_t(uint16_t(w[i]) & mask);
          }
        }
        pack_codes(codes.data(), codes.size(), bits, dst + block_offset(g, mt, nt));
      }
    }
    bad_in_half[begin == 0 ? 0 : 1] = bad;
  });
  const uint32_t bad = bad_in_half[0] | bad_in_half[1];
  if (bad != 0)
    throw std::invalid_argument("WeightLayout::encode: a weight is not 0 or +-2^s in " + std::to_string(bits_) +
                                "-bit codes with sign offsets " + std::to_string(offset_pos_) + "/" +
                                std::to_string(offset_neg_));
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
    for (uint32_t c = 0; c < (1u << bits_); ++c) table[c] = int16_t(pow2_value(c));
  BitReader in(block);
  for (size_t i = 0; i < n; ++i) {
    const uint32_t field = in.get(bits_);
    out[i] = pow2_ ? table[field] : int16_t(int32_t(field << (32 - bits_)) >> (32 - bits_));
  }
}

}  // namespace shiftsim::models
