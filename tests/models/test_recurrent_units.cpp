// The recurrent unit's plain parts: the activation unit's ROM and evaluation equal the golden
// executor's fixed-point sigmoid and tanh on every input of many formats; the layer header
// survives its trip through DRAM words; the step programs hold the operations §11 lists.
#include <catch2/catch.hpp>

#include "models/recurrent/activation_table.h"
#include "models/recurrent/recurrent_layer.h"
#include "quant/fixed_act.h"

using namespace shiftsim;

TEST_CASE("activation unit equals the golden executor's sigmoid and tanh on every input") {
  uint64_t checked = 0;
  for (const models::Fmt in : {models::Fmt{8, -2}, models::Fmt{8, 4}, models::Fmt{12, 9}, models::Fmt{16, 12},
                               models::Fmt{16, 14}, models::Fmt{16, 0}, models::Fmt{10, 7}})
    for (const models::Fmt out : {models::Fmt{16, 14}, models::Fmt{8, 6}, models::Fmt{3, 1}, models::Fmt{12, 10}})
      for (const auto f : {models::ActFn::sigmoid, models::ActFn::tanh}) {
        const quant::Activation g = f == models::ActFn::sigmoid ? quant::Activation::sigmoid : quant::Activation::tanh;
        for (int64_t x = -(int64_t(1) << (in.bits - 1)); x < (int64_t(1) << (in.bits - 1)); ++x) {
          const int64_t want = quant::fixed_activation(g, x, {in.bits, in.frac}, {out.bits, out.frac});
          const int64_t got = models::activation(f, x, in, out);
          if (got != want) FAIL("x " << x << " in (" << in.bits << ", " << in.frac << ") out (" << out.bits << ", "
                                     << out.frac << "): " << got << " != " << want);
          ++checked;
        }
      }
  CHECK(checked > 1000000);
}

TEST_CASE("recurrent layer header round-trips through its DRAM words") {
  models::RecurrentHeader h;
  h.lstm = false;
  h.steps = 28;
  h.input = 13;
  h.hidden = 300;
  h.reverse = h.linear_before_reset = h.has_h0 = true;
  h.resident = false;
  h.in = {9, 7};
  h.gates[2] = {11, -3};
  h.reset_product = {5, 30};
  h.acc_bits = 40;
  const std::vector<int32_t> w = models::encode_header(h);
  std::vector<uint8_t> bytes(w.size() * 4);
  for (size_t i = 0; i < w.size(); ++i)
    for (int b = 0; b < 4; ++b) bytes[4 * i + b] = uint8_t(uint32_t(w[i]) >> (8 * b));
  const models::RecurrentHeader r = models::decode_header(bytes.data());
  CHECK(!r.lstm);
  CHECK(r.steps == 28);
  CHECK(r.input == 13);
  CHECK(r.hidden == 300);
  CHECK(r.reverse);
  CHECK(r.linear_before_reset);
  CHECK(r.has_h0);
  CHECK(!r.has_c0);
  CHECK(!r.resident);
  CHECK(r.in.bits == 9);
  CHECK(r.in.frac == 7);
  CHECK(r.gates[2].frac == -3);
  CHECK(r.reset_product.frac == 30);
  CHECK(r.acc_bits == 40);
  bytes[0] ^= 1;
  CHECK_THROWS(models::decode_header(bytes.data()));
}

TEST_CASE("step programs: the gru's h gate waits for r, lstm's o for c' with peepholes") {
  models::ArchSpec arch;
  models::RecurrentHeader h;
  h.hidden = 10;
  h.input = 7;
  h.steps = 2;
  h.lstm = false;
  const auto mvms = [&](const models::RecurrentLayout& L) {
    std::vector<std::pair<bool, uint32_t>> m;
    for (const auto& op : L.program)
      if (op.mvm) m.push_back({op.m.recurrent, op.m.r1 - op.m.r0});
    return m;
  };
  // gru: W x for all 3H rows, R h for z and r, then R (r h) for the h gate after the reset product.
  const models::RecurrentLayout g = models::recurrent_layout(h, arch);
  CHECK(mvms(g) == std::vector<std::pair<bool, uint32_t>>{{false, 30}, {true, 20}, {true, 10}});
  h.linear_before_reset = true;
  CHECK(mvms(models::recurrent_layout(h, arch)) == std::vector<std::pair<bool, uint32_t>>{{false, 30}, {true, 30}});
  h.lstm = true;
  h.peepholes = true;
  const models::RecurrentLayout l = models::recurrent_layout(h, arch);
  size_t cell = 0, o_finish = 0;
  for (size_t i = 0; i < l.program.size(); ++i) {
    if (l.program[i].mvm) continue;
    if (l.program[i].v.kind == models::VecKind::cell) cell = i;
    if (l.program[i].v.kind == models::VecKind::o_finish) o_finish = i;
  }
  CHECK(cell > 0);
  CHECK(o_finish > cell);
  // Weight blocks of different products do not overlap and start on 64 bytes.
  uint64_t end = l.params_end;
  for (const auto& op : l.program)
    if (op.mvm) {
      CHECK(op.m.offset >= end);
      CHECK(op.m.offset % 64 == 0);
      end = op.m.offset + models::mvm_layout(h, op.m, arch).total_bytes();
    }
  CHECK(l.weights_end >= end);
}
