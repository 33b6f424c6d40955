#include "models/control/program.h"

#include <stdexcept>

namespace shiftsim::models {

namespace {
// Word order of the descriptor (docs/ARCHITECTURE.md §2); encode and decode walk the same list.
// An address is two words, low first.
template <class D, class F, class A>
void visit_fields(D& d, F&& word, A&& address) {
  word(d.op_word);
  word(d.desc.layer_id);
  for (auto* a : {&d.desc.in_addr, &d.desc.in2_addr, &d.desc.out_addr, &d.desc.weight_addr,
                  &d.desc.bias_addr})
    address(*a);
  for (auto* p : {&d.desc.in_c, &d.desc.in_h, &d.desc.in_w, &d.desc.out_c, &d.desc.out_h,
                  &d.desc.out_w, &d.desc.out_c_offset, &d.desc.out_c_total, &d.desc.kernel,
                  &d.desc.stride, &d.desc.pad, &d.desc.groups, &d.desc.tile_rows,
                  &d.desc.tile_cols, &d.desc.relu, &d.desc.shift_right, &d.desc.shift_a,
                  &d.desc.shift_b, &d.desc.inputs, &d.desc.saturate,
                  &d.desc.w_offset_pos, &d.desc.w_offset_neg})
    word(*p);
}

struct Fields {
  Descriptor desc;
  uint32_t op_word = 0;
};
}  // namespace

std::array<uint32_t, kDescriptorWords> Descriptor::encode() const {
  std::array<uint32_t, kDescriptorWords> w{};
  w[0] = kDescriptorMagic;
  size_t i = 1;
  Fields f{*this, uint32_t(op)};
  visit_fields(
      f, [&](uint32_t& v) { w.at(i++) = v; },
      [&](uint64_t& a) {
        w.at(i++) = uint32_t(a);
        w.at(i++) = uint32_t(a >> 32);
      });
  return w;
}

Descriptor Descriptor::decode(const uint8_t* bytes) {
  std::array<uint32_t, kDescriptorWords> w{};
  for (uint32_t k = 0; k < kDescriptorWords; ++k)
    w[k] = uint32_t(bytes[4 * k]) | uint32_t(bytes[4 * k + 1]) << 8 |
           uint32_t(bytes[4 * k + 2]) << 16 | uint32_t(bytes[4 * k + 3]) << 24;
  if (w[0] != kDescriptorMagic) throw std::runtime_error("descriptor: bad magic word");
  Fields f;
  size_t i = 1;
  visit_fields(
      f, [&](uint32_t& v) { v = w.at(i++); },
      [&](uint64_t& a) {
        a = uint64_t(w.at(i)) | uint64_t(w.at(i + 1)) << 32;
        i += 2;
      });
  f.desc.op = Op(f.op_word);
  return f.desc;
}

}  // namespace shiftsim::models
