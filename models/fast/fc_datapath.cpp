#include "models/fast/fc_datapath.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "models/act_bytes.h"
#include "models/pe_array/array_kind.h"

namespace shiftsim::models {

WeightDecoder::WeightDecoder(const ArchSpec& arch, const WeightLayout& layout) : bits_(layout.element_bits()) {
  const bool pow2 = array_kind_model(arch).weight_code() == WeightCode::pow2_sign_magnitude;
  if (!pow2 && bits_ == 16) {
    mode_ = Mode::int16_le;
    max_abs_ = 32768;
    return;
  }
  if (!pow2 && bits_ == 8) {
    mode_ = Mode::int8;
    max_abs_ = 128;
    return;
  }
  // The weight layout's element widths are at most 16 bits; the other widths go through a
  // table of per_ fields at a time, decoded as WeightLayout::unpack_values decodes one.
  mode_ = Mode::table;
  per_ = std::max<uint32_t>(1, std::min<uint32_t>(4, 12 / bits_));
  const uint32_t mask = (1u << bits_) - 1;
  auto value = [&](uint32_t field) -> int16_t {
    return pow2 ? int16_t(layout.pow2_value(field)) : int16_t(int32_t(field << (32 - bits_)) >> (32 - bits_));
  };
  for (uint32_t f = 0; f <= mask; ++f) max_abs_ = std::max(max_abs_, std::abs(int32_t(value(f))));
  lut_.resize(size_t(1) << (per_ * bits_));
  for (size_t i = 0; i < lut_.size(); ++i) {
    uint64_t e = 0;
    for (uint32_t j = 0; j < per_; ++j) e |= uint64_t(uint16_t(value(uint32_t(i >> (j * bits_)) & mask))) << (16 * j);
    lut_[i] = e;
  }
}

void WeightDecoder::decode(const uint8_t* block, uint32_t bytes, size_t n, int16_t* out) {
  switch (mode_) {
    case Mode::int16_le:
      std::memcpy(out, block, 2 * n);  // little-endian int16, as the host
      return;
    case Mode::int8:
      for (size_t i = 0; i < n; ++i) out[i] = int16_t(int8_t(block[i]));
      return;
    case Mode::table: break;
  }
  // A look-up reads 4 bytes from the byte holding its first bit: the block, then zeros.
  if (scratch_.size() < size_t(bytes) + 8) scratch_.resize(size_t(bytes) + 8);
  std::memcpy(scratch_.data(), block, bytes);
  std::memset(scratch_.data() + bytes, 0, 8);
  const uint8_t* s = scratch_.data();
  const uint32_t step = per_ * bits_, mask = (1u << step) - 1;
  size_t pos = 0;
  for (size_t i = 0; i < n; i += per_, pos += step) {
    uint32_t w;
    std::memcpy(&w, s + (pos >> 3), 4);
    const uint64_t e = lut_[(w >> (pos & 7)) & mask];
    std::memcpy(out + i, &e, 8);  // per_ values (and up to 4 - per_ zeros past them)
  }
}

const AliasedInt16* WeightDecoder::values(const uint8_t* block, uint32_t bytes, size_t n, int16_t* out) {
  if (mode_ == Mode::int16_le && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ &&
      reinterpret_cast<uintptr_t>(block) % alignof(int16_t) == 0)
    return reinterpret_cast<const AliasedInt16*>(block);
  decode(block, bytes, n, out);
  return out;
}

bool FcDatapath::applies(const Descriptor& d) {
  return d.op == Op::conv && d.groups == 1 && d.pad == 0 && d.in_h == d.kernel && d.in_w == d.kernel &&
         d.out_h == 1 && d.out_w == 1;
}

bool FcDatapath::begin(const ArchSpec& arch, const Descriptor& d, const WeightLayout& layout, const uint8_t* input) {
  if (layout.element_bits() > 16) return false;
  const uint32_t ab = act_bytes(arch);
  k2_ = d.kernel * d.kernel;
  const size_t n = size_t(d.in_c) * k2_;
  x_.resize(n);
  for (size_t i = 0; i < n; ++i) x_[i] = load_act(input + i * ab, ab);
  decoder_.clear();
  decoder_.emplace_back(arch, layout);
  const uint32_t terms = arch.pe_array.vector * k2_;  // a lane's products in a step, at most
  values_.resize(size_t(arch.pe_array.lanes) * terms + 4);
  // |x| <= 2^15: a step's sum of its products fits int32 when terms * 2^15 * max|w| < 2^31.
  narrow_ = uint64_t(terms) * 32768u * uint64_t(decoder_.front().max_abs()) < (uint64_t(1) << 31);
  return true;
}

namespace {
template <class Sum>
void lanes_dot(const AliasedInt16* w, const int16_t* x, uint32_t mc, uint32_t nc, int64_t* acc) {
  for (uint32_t m = 0; m < mc; ++m, w += nc) {
    Sum s = 0;
    for (uint32_t k = 0; k < nc; ++k) s += Sum(int32_t(w[k]) * int32_t(x[k]));
    acc[m] += s;
  }
}

// The common vector widths with nc known to the compiler: the inner loop unrolls.
template <class Sum, uint32_t NC>
void lanes_dot_n(const AliasedInt16* w, const int16_t* x, uint32_t mc, int64_t* acc) {
  for (uint32_t m = 0; m < mc; ++m, w += NC) {
    Sum s = 0;
    for (uint32_t k = 0; k < NC; ++k) s += Sum(int32_t(w[k]) * int32_t(x[k]));
    acc[m] += s;
  }
}

template <class Sum>
void dispatch(const AliasedInt16* w, const int16_t* x, uint32_t mc, uint32_t nc, int64_t* acc) {
  switch (nc) {
    case 2: return lanes_dot_n<Sum, 2>(w, x, mc, acc);
    case 4: return lanes_dot_n<Sum, 4>(w, x, mc, acc);
    case 8: return lanes_dot_n<Sum, 8>(w, x, mc, acc);
    case 16: return lanes_dot_n<Sum, 16>(w, x, mc, acc);
    case 18: return lanes_dot_n<Sum, 18>(w, x, mc, acc);
    case 36: return lanes_dot_n<Sum, 36>(w, x, mc, acc);
    case 72: return lanes_dot_n<Sum, 72>(w, x, mc, acc);
    case 144: return lanes_dot_n<Sum, 144>(w, x, mc, acc);
    default: return lanes_dot<Sum>(w, x, mc, nc, acc);
  }
}
}  // namespace

void FcDatapath::step(const StepPlan& step, uint32_t mc, const uint8_t* block, uint32_t block_bytes, int64_t* acc) {
  const uint32_t nc = step.nc * k2_;  // the step's terms a lane: nc channels of k x k
  const AliasedInt16* w = decoder_.front().values(block, block_bytes, size_t(mc) * nc, values_.data());
  const int16_t* x = x_.data() + size_t(step.window.ch0) * k2_;
  if (narrow_)
    dispatch<int32_t>(w, x, mc, nc, acc);
  else
    dispatch<int64_t>(w, x, mc, nc, acc);
}

}  // namespace shiftsim::models
