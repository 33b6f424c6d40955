#include "models/program.h"

#include <cstring>
#include <stdexcept>

namespace shiftsim::models {

namespace {
// Word order of the descriptor; encode and decode walk the same list.
template <class D, class F>
void visit_fields(D& d, F&& f) {
  auto addr = [&](auto& a) {
    f(reinterpret_cast<uint32_t*>(&a)[0]);
    f(reinterpret_cast<uint32_t*>(&a)[1]);
  };
  f(reinterpret_cast<uint32_t&>(d.op));
  f(d.layer_id);
  addr(d.in_addr);
  addr(d.in2_addr);
  addr(d.out_addr);
  addr(d.weight_addr);
  addr(d.bias_addr);
  for (auto* p : {&d.in_c, &d.in_h, &d.in_w, &d.out_c, &d.out_h, &d.out_w, &d.out_c_offset,
                  &d.out_c_total, &d.kernel, &d.stride, &d.pad, &d.groups, &d.tile_rows,
                  &d.tile_cols, &d.relu, &d.shift_right, &d.shift_a, &d.shift_b, &d.inputs,
                  &d.saturate})
    f(*p);
}
}  // namespace

std::array<uint32_t, kDescriptorWords> Descriptor::encode() const {
  std::array<uint32_t, kDescriptorWords> w{};
  w[0] = kDescriptorMagic;
  size_t i = 1;
  Descriptor copy = *this;
  visit_fields(copy, [&](uint32_t& v) { w.at(i++) = v; });
  return w;
}

Descriptor Descriptor::decode(const uint8_t* bytes) {
  std::array<uint32_t, kDescriptorWords> w{};
  std::memcpy(w.data(), bytes, kDescriptorBytes);
  if (w[0] != kDescriptorMagic) throw std::runtime_error("descriptor: bad magic word");
  Descriptor d;
  size_t i = 1;
  visit_fields(d, [&](uint32_t& v) { v = w.at(i++); });
  return d;
}

}  // namespace shiftsim::models
