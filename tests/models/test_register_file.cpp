// The recurrent unit's register file (models/recurrent/register_file.h, docs/RESOURCES.md
// "Recurrent register file"): its memories sized from recurrent.max_rows, each worked by hand;
// the LUTRAM / block RAM choice by depth; the rows a pass needs; what each operation's element
// reads and writes; the machine listing it only when it carries the recurrent unit.
#include <catch2/catch.hpp>

#include "models/energy/activity.h"
#include "models/machine_resources.h"
#include "models/recurrent/register_file.h"
#include "models/resources/resources.h"

using namespace shiftsim::models;

namespace {

ArchSpec spec(uint32_t lanes, uint32_t max_rows) {
  ArchSpec s;
  s.pe_array.lanes = lanes;
  s.numerics.acc_bits = 48;
  s.recurrent.max_rows = max_rows;
  return s;
}

const RfMemory& mem(const RegisterFile& f, RfMem m) { return f.mems[size_t(m)]; }

}  // namespace

TEST_CASE("register file: each memory's depth, width and kind at the default 5000 rows, 32 lanes") {
  const RegisterFile f = register_file(spec(32, 5000));
  // Sums: 5000 rows of 48 bits over 32 lanes: 157 words of 1,536 bits, block RAM (512 x 72:
  // 21 RAMB36 and a RAMB18 for the last 24 bits).
  const RfMemory& wx = mem(f, RfMem::wx);
  CHECK(wx.words == 157);
  CHECK(wx.bits == 48);
  CHECK(wx.block_ram);
  CHECK(wx.use.bram36 == bram36_for(32 * 48, 157));
  CHECK(wx.use.lut == 0);
  CHECK(mem(f, RfMem::rh).use.bram36 == wx.use.bram36);
  // The activations: three copies (the cell reads f, i and g at once).
  const RfMemory& act = mem(f, RfMem::act);
  CHECK(act.copies == 3);
  CHECK(act.use.bram36 == 3 * bram36_for(32 * 16, 157));
  // h: two halves of ceil(5000 / 3) = 1667 rows: 105 words, block RAM.
  CHECK(mem(f, RfMem::h).rows == 2 * 1667);
  CHECK(mem(f, RfMem::h).block_ram);
  // c: two halves of 1250 rows: 79 words, block RAM; tanh(c'): 1250 rows, 40 words: LUTRAM
  // (RAM64M8, 7 bits per 8 LUTs: 512 bits take 74 of them) with a 512-bit read register.
  CHECK(mem(f, RfMem::c).block_ram);
  const RfMemory& tc = mem(f, RfMem::tanh_c);
  CHECK(tc.words == 40);
  CHECK_FALSE(tc.block_ram);
  CHECK(tc.use.lut == 8 * 74);
  CHECK(tc.use.ff == 512);
  CHECK(tc.use.bram36 == 0);
  // o's kept sum: 50 bits (four 48-bit terms), 40 words: LUTRAM, 1,600 bits = 229 RAM64M8.
  CHECK(mem(f, RfMem::part).use.lut == 8 * 229);
  // q: 1667 rows, 53 words: LUTRAM.
  CHECK_FALSE(mem(f, RfMem::q).block_ram);
  Resources sum;
  for (const RfMemory& m : f.mems) sum += m.use;
  CHECK(f.total.lut == Approx(sum.lut));
  CHECK(f.total.bram36 == Approx(sum.bram36));
  CHECK(f.total.ff == Approx(sum.ff));
  CHECK(f.total.dsp == 0);
}

TEST_CASE("register file: a memory of at most 32 words is RAM32M16, up to 64 RAM64M8, deeper block RAM") {
  // 16 lanes, 512 rows: the sums are 32 words deep (RAM32M16: 768 bits = 55 of them, 8 LUTs each).
  const RegisterFile small = register_file(spec(16, 512));
  CHECK(mem(small, RfMem::wx).words == 32);
  CHECK(mem(small, RfMem::wx).use.lut == 8 * 55);
  CHECK(mem(small, RfMem::wx).use.ff == 16 * 48);
  // 33 words: RAM64M8 (768 bits = 110 of them).
  const RegisterFile mid = register_file(spec(16, 528));
  CHECK(mem(mid, RfMem::wx).words == 33);
  CHECK(mem(mid, RfMem::wx).use.lut == 8 * 110);
  // 65 words: block RAM.
  const RegisterFile big = register_file(spec(16, 1040));
  CHECK(mem(big, RfMem::wx).words == 65);
  CHECK(mem(big, RfMem::wx).block_ram);
  CHECK(mem(big, RfMem::wx).use.lut == 0);
  // More rows never cost less.
  CHECK(register_file(spec(16, 20000)).total.bram36 > register_file(spec(16, 5000)).total.bram36);
}

// Gate-aligned (docs/ARCHITECTURE.md §11): each gate block starts on a word of the Tm lanes, so
// every block but the last takes ceil(H / Tm) whole words; the last ends at its own last row.
TEST_CASE("register file: the rows a pass needs, gate-aligned to the lanes") {
  RecurrentHeader h;
  h.hidden = 300;
  h.lstm = true;
  CHECK(recurrent_rows(h, 4) == 1200);
  CHECK(recurrent_rows(h, 32) == 3 * 320 + 300);
  CHECK(recurrent_rows(h, 16) == 3 * 304 + 300);
  h.lstm = false;
  CHECK(recurrent_rows(h, 4) == 900);
  CHECK(recurrent_rows(h, 32) == 2 * 320 + 300);
  h.fc = true;  // one block: a decoder of 5000 outputs fits 5000 rows on any lanes
  h.hidden = 5000;
  CHECK(recurrent_rows(h, 8) == 5000);
  CHECK(recurrent_rows(h, 32) == 5000);
  h.fc = false;
  h.embedding = true;
  h.hidden = 300;
  CHECK(recurrent_rows(h, 32) == 300);  // a row, no gates
}

// A machine built for exactly a layer's gate-aligned rows (R = recurrent_rows) holds every
// tensor of that layer: each memory has at least the words its blocks take, at the bound too
// (an lstm of 1 unit on 32 lanes needs 97 rows, and its peepholes' 3 x ceil(97 / 4) = 75 rows
// are the 3 words its three gates take).
TEST_CASE("register file: a machine built for a layer's rows holds each of its tensors") {
  for (uint32_t tm : {4u, 8u, 16u, 32u})
    for (bool lstm : {true, false})
      for (uint32_t H = 1; H <= 70; ++H) {
        RecurrentHeader h;
        h.lstm = lstm;
        h.hidden = H;
        const uint64_t R = recurrent_rows(h, tm), W = words_per_block(h, tm), g = h.gate_count();
        const RegisterFile f = register_file(spec(tm, uint32_t(R)));
        auto words = [&](RfMem m) { return f.mems[size_t(m)].words; };
        INFO("tm " << tm << (lstm ? " lstm " : " gru ") << H << ": R " << R);
        for (RfMem m : {RfMem::wx, RfMem::rh, RfMem::bias_w, RfMem::bias_r, RfMem::pre, RfMem::act})
          CHECK(words(m) >= g * W);
        CHECK(words(RfMem::h) >= 2 * W);  // two halves
        if (lstm) {
          CHECK(words(RfMem::peep) >= 3 * W);
          CHECK(words(RfMem::c) >= 2 * W);
          CHECK(words(RfMem::part) >= W);
          CHECK(words(RfMem::tanh_c) >= W);
        } else {
          CHECK(words(RfMem::q) >= W);
        }
      }
}

TEST_CASE("recurrent layout: gate blocks start on a word of the lanes") {
  RecurrentHeader h;
  h.lstm = true;
  h.hidden = 10;
  CHECK(words_per_block(h, 4) == 3);
  CHECK(aligned_rows(h, 40, 4) == 48);  // four gates of three words
  CHECK(aligned_rows(h, 10, 4) == 12);
  CHECK(aligned_rows(h, 10, 16) == 16);
  CHECK_THROWS(aligned_rows(h, 15, 4));  // not whole gate blocks
  // Words 0..2 are gate 0 (rows 0..3, 4..7, 8..9), word 3 starts gate 1 at row 10, in lane 0.
  const std::pair<uint32_t, uint32_t> want[] = {{0, 4}, {4, 4}, {8, 2}, {10, 4}, {14, 4}, {18, 2}, {20, 4}};
  for (uint32_t w = 0; w < 7; ++w) {
    CHECK(word_rows(h, w, 4).row0 == want[w].first);
    CHECK(word_rows(h, w, 4).n == want[w].second);
  }
  VecOp op;
  op.r0 = 10;
  op.r1 = 40;  // three gates
  CHECK(vec_issues(h, op, 4) == 9);  // not ceil(30 / 4) = 8: each gate's last word is short
  CHECK(vec_issues(h, op, 32) == 3);
}

TEST_CASE("register file: what one element of each operation reads and writes") {
  RecurrentHeader h;
  h.lstm = true;
  h.hidden = 10;
  auto access = [&](VecKind k, uint32_t r0, uint32_t e = 0) { return rf_element_access(h, VecOp{k, r0, r0 + 40}, e); };
  auto rd = [](const RfAccess& a, RfMem m) { return int(a.reads[size_t(m)]); };
  auto wr = [](const RfAccess& a, RfMem m) { return int(a.writes[size_t(m)]); };
  RfAccess a = access(VecKind::combine, 0);
  CHECK((rd(a, RfMem::wx) == 1 && rd(a, RfMem::rh) == 1 && rd(a, RfMem::bias_w) == 1 && rd(a, RfMem::bias_r) == 1));
  CHECK(rd(a, RfMem::peep) == 0);
  CHECK(wr(a, RfMem::pre) == 1);
  h.peepholes = true;  // i (row 0) reads P and c; o (row 10) does not
  CHECK(rd(access(VecKind::combine, 0), RfMem::c) == 1);
  CHECK(rd(access(VecKind::combine, 10), RfMem::c) == 0);
  a = access(VecKind::cell, 0);
  CHECK(rd(a, RfMem::act) == 3);
  CHECK((rd(a, RfMem::c) == 1 && wr(a, RfMem::c) == 1));
  a = access(VecKind::act_gates, 0);
  CHECK((rd(a, RfMem::pre) == 1 && wr(a, RfMem::act) == 1));
  h.lstm = false;
  a = access(VecKind::hidden_gru, 0);
  CHECK((rd(a, RfMem::act) == 2 && rd(a, RfMem::h) == 1 && wr(a, RfMem::h) == 1));
  a = access(VecKind::reset_h, 10);
  CHECK(a.operand_fill);  // r h goes to the array's operand banks, not the file
  CHECK(wr(a, RfMem::h) == 0);
  a = access(VecKind::fc_out, 0);
  CHECK((rd(a, RfMem::wx) == 1 && rd(a, RfMem::bias_w) == 1 && wr(a, RfMem::pre) == 1));
}

TEST_CASE("register file: priced as block RAM or LUTRAM, writes into every copy") {
  const ArchSpec s = spec(32, 5000);
  const ActivityCounter count(s, DspCounting::synthesis);
  ComponentActions a{};
  count.regfile(RfMem::act, 2, 1, a);  // block RAM, three copies
  const Actions& x = a[size_t(Component::regfile)];
  CHECK(x.bram_read_bits == 2 * 16);
  CHECK(x.bram_write_bits == 3 * 16);
  ComponentActions b{};
  count.regfile(RfMem::tanh_c, 1, 1, b);  // LUTRAM: the read through its LUTs and register, the write
  const Actions& y = b[size_t(Component::regfile)];
  CHECK(y.lut_logic == 16);
  CHECK(y.ff_bits == 32);
  CHECK(y.bram_read_bits == 0);
  for (size_t c = 0; c < kComponentCount; ++c)
    if (c != size_t(Component::regfile)) CHECK_FALSE(b[c].any());
}

TEST_CASE("the machine lists the register file only when it carries the recurrent unit") {
  const ArchSpec s = spec(16, 5000);
  ResourceOptions o;
  const std::vector<ComponentResources> cnn = estimate_resources(s, o);
  for (const ComponentResources& c : cnn) CHECK(c.name != "regfile");
  o.recurrent_units = true;
  const std::vector<ComponentResources> seq = estimate_resources(s, o);
  REQUIRE(seq.back().name == "regfile");
  CHECK(seq.back().use.bram36 == Approx(register_file(s).total.bram36));
  // A machine built for fewer rows is smaller.
  CHECK(total(estimate_resources(spec(16, 1200), o)).bram36 < total(seq).bram36);
}
