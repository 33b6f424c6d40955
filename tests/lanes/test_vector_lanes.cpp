// The recurrent unit's lanes as Verilog (tests/resources/elementwise_lane.v, activation_lane.v,
// the Verilog the resource model is calibrated on, docs/RESOURCES.md "Recurrent vector units")
// compute the C++ arithmetic bit for bit: each lane Verilated into a program of its own
// (tests/resources/sim/lane_tb.cpp, with the DSP48E2 model rtl/sim/DSP48E2.v), fed random
// elements, its results compared with RecurrentState::element (the element-wise unit's arithmetic: aligned
// terms, products, 1 - z, the requantizer's right and left shifts, the fused ReLU) and
// activation() (sigmoid and tanh from the ROM), saturating cases included. Built only where
// Verilator is (tests/CMakeLists.txt); elsewhere the suite reports the test skipped.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "models/recurrent/activation_table.h"
#include "models/recurrent/recurrent_layer.h"
#include "models/recurrent/recurrent_state.h"
#include "tests/support/cli.h"

using namespace shiftsim;
using namespace shiftsim::models;
using namespace shiftsim::test;

namespace {

constexpr int V = 16;

// One element's inputs to the element-wise lane, in lane_tb.cpp's order.
struct EwIn {
  int64_t x[5] = {0, 0, 0, 0, 0};
  int s[5] = {0, 0, 0, 0, 0};
  int64_t pa0 = 0, pb0 = 0, pa1 = 0, pb1 = 0, one = 0;
  int one_minus = 0, use_p0 = 0, use_p1 = 0, q = 0, l = 0, obits = 16, relu = 0;
};

// The requantizer's command: a right shift by from - to, or a left shift (at most V: beyond,
// any nonzero sum saturates alike).
void set_shift(EwIn& in, int from, int to) {
  if (from >= to) in.q = from - to;
  else in.l = std::min(to - from, V);
}

// Runs a Verilated lane on the elements (one a line), its files in `dir`; returns its results.
std::vector<int64_t> run_lane(const std::string& bin, const std::vector<std::string>& lines, const std::string& dir,
                              const std::string& name, const std::string& arg = "") {
  const std::string in = dir + "/" + name + ".in", out = dir + "/" + name + ".out";
  {
    std::ofstream f(in);
    for (const std::string& l : lines) f << l << "\n";
  }
  const std::string cmd = quote(bin) + (arg.empty() ? "" : " " + quote(arg)) + " < " + quote(in) + " > " + quote(out);
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::vector<int64_t> y;
  std::ifstream f(out);
  for (int64_t v; f >> v;) y.push_back(v);
  REQUIRE(y.size() == lines.size());
  return y;
}

std::string line_of(const EwIn& e) {
  std::ostringstream os;
  for (int64_t v : e.x) os << v << ' ';
  for (int v : e.s) os << v << ' ';
  os << e.pa0 << ' ' << e.pb0 << ' ' << e.pa1 << ' ' << e.pb1 << ' ' << e.one << ' ' << e.one_minus << ' ' << e.use_p0
     << ' ' << e.use_p1 << ' ' << e.q << ' ' << e.l << ' ' << e.obits << ' ' << e.relu;
  return os.str();
}

struct Rng {
  std::mt19937_64 g;
  explicit Rng(uint64_t seed) : g(seed) {}
  int64_t in(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(g); }
  // A signed value of `bits` bits: often an extreme or small, else anywhere (saturating cases
  // come from the extremes and the large shifts).
  int64_t value(int bits) {
    const int64_t hi = (int64_t(1) << (bits - 1)) - 1, lo = -hi - 1;
    switch (in(0, 5)) {
      case 0: return hi - in(0, 2);
      case 1: return lo + in(0, 2);
      case 2: return in(-40, 40);
      default: return in(lo, hi);
    }
  }
};

// What the lane and the C++ arithmetic produced for a group of elements.
struct Checked {
  std::vector<std::string> lines;
  std::vector<int64_t> expect;
  std::vector<std::string> what;
};

void compare(const Checked& c, const std::vector<int64_t>& y, int* mismatches) {
  for (size_t i = 0; i < y.size(); ++i)
    if (y[i] != c.expect[i]) {
      if (++*mismatches <= 10) UNSCOPED_INFO(c.what[i] << ": lane " << y[i] << ", C++ " << c.expect[i] << " [" << c.lines[i] << "]");
    }
}

// fc outputs (op fc_out): W x and b aligned and summed, requantized right or left, ReLU fused.
void fc_cases(Rng& r, int A, int layers, Checked& c) {
  const int fmax = std::min(A - 1, 15) / 2;  // term shifts stay within 0..A-1
  for (int k = 0; k < layers; ++k) {
    RecurrentHeader h;
    h.fc = true;
    h.lstm = false;
    h.hidden = 24;
    h.input = 1;
    h.steps = 1;
    h.relu = r.in(0, 1);
    h.in = {16, int(r.in(0, fmax))};
    h.w = {16, int(r.in(0, fmax))};
    h.bias = {32, int(r.in(0, 2 * fmax))};
    h.out = {int(r.in(2, 16)), int(r.in(0, 15))};
    h.acc_bits = A;
    std::vector<int64_t> bias(h.hidden);
    for (int64_t& b : bias) b = r.value(A);
    RecurrentState st(h, bias, {}, {}, {});
    std::vector<EwIn> ins(h.hidden);
    const int fw = h.in.frac + h.w.frac, fa = std::max(fw, h.bias.frac);
    for (uint32_t j = 0; j < h.hidden; ++j) {
      st.sums(false)[j] = r.value(A);
      EwIn& e = ins[j];
      e.x[0] = st.sums(false)[j];
      e.s[0] = fa - fw;
      e.x[1] = bias[j];
      e.s[1] = fa - h.bias.frac;
      set_shift(e, fa, h.out.frac);
      e.obits = h.out.bits;
      e.relu = h.relu;
      st.element(VecOp{VecKind::fc_out, 0, h.hidden}, j);
    }
    st.finish_step();
    for (uint32_t j = 0; j < h.hidden; ++j) {
      c.lines.push_back(line_of(ins[j]));
      c.expect.push_back(st.hidden()[j]);
      c.what.push_back("fc_out A=" + std::to_string(A));
    }
  }
}

// lstm gates with peepholes (op combine): W x, Wb, Rb, R h and, for i and f, P c through a
// product, aligned and summed, clamped, requantized to the gate's format.
void combine_cases(Rng& r, int A, int layers, Checked& c) {
  const int fmax = std::min(A - 1, 15) / 2;
  for (int k = 0; k < layers; ++k) {
    RecurrentHeader h;
    h.lstm = true;
    h.peepholes = true;
    h.has_c0 = true;
    h.hidden = 6;
    h.input = 3;
    h.steps = 1;
    auto f = [&](int bits) { return Fmt{bits, int(r.in(0, fmax))}; };
    h.in = f(16), h.w = f(16), h.r = f(16), h.out = f(16), h.p = f(16), h.cell = f(16);
    h.bias = {32, int(r.in(0, 2 * fmax))};
    for (Fmt& g : h.gates) g = {int(r.in(2, 16)), int(r.in(0, 15))};
    h.acc_bits = A;
    const uint32_t H = h.hidden, G = 4 * H;
    std::vector<int64_t> bias(2 * G), peep(3 * H), c0(H);
    for (int64_t& b : bias) b = r.value(A);
    for (int64_t& p : peep) p = r.value(16);
    for (int64_t& v : c0) v = r.value(16);
    RecurrentState st(h, bias, peep, {}, c0);
    const int fw = h.in.frac + h.w.frac, fr = h.out.frac + h.r.frac, fp = h.p.frac + h.cell.frac;
    const int a = std::max({fw, fr, h.bias.frac, fp});
    for (uint32_t row = 0; row < G; ++row) {
      st.sums(false)[row] = r.value(A);
      st.sums(true)[row] = r.value(A);
      EwIn e;
      e.x[0] = st.sums(false)[row];
      e.s[0] = a - fw;
      e.x[1] = bias[row];
      e.s[1] = a - h.bias.frac;
      e.x[2] = bias[G + row];
      e.s[2] = a - h.bias.frac;
      e.x[3] = st.sums(true)[row];
      e.s[3] = a - fr;
      if (row < H || (row >= 2 * H && row < 3 * H)) {  // i and f: P c
        e.use_p1 = 1;
        e.pa1 = peep[row];
        e.pb1 = c0[row % H];
        e.s[4] = a - fp;
      }
      set_shift(e, a, h.gates[row / H].frac);
      e.obits = h.gates[row / H].bits;
      st.element(VecOp{VecKind::combine, 0, G}, row);
      c.lines.push_back(line_of(e));
      c.expect.push_back(st.gate_values()[row]);
      c.what.push_back("combine A=" + std::to_string(A));
    }
  }
}

// A gru's h' = (1 - z) n + z h (op hidden_gru): two products, 1 - z formed in front of the
// first, each aligned to the finer product's frac, requantized to h's format. z and n are the
// activation unit's results of random gate sums.
void gru_cases(Rng& r, int layers, Checked& c) {
  for (int k = 0; k < layers; ++k) {
    RecurrentHeader h;
    h.lstm = false;
    h.has_h0 = true;
    h.hidden = 16;
    h.input = 3;
    h.steps = 1;
    auto f = [&](int lo, int hi) { return Fmt{16, int(r.in(lo, hi))}; };
    h.in = f(0, 12), h.w = f(0, 12), h.r = f(0, 12), h.out = f(0, 15), h.bias = {32, int(r.in(0, 20))};
    h.sig = f(8, 15), h.tanh = f(8, 15);
    for (Fmt& g : h.gates) g = f(4, 12);
    h.acc_bits = 48;
    const uint32_t H = h.hidden, G = 3 * H;
    std::vector<int64_t> bias(2 * G), h0(H);
    for (int64_t& b : bias) b = r.in(-(1 << 20), 1 << 20);
    for (int64_t& v : h0) v = r.value(16);
    RecurrentState st(h, bias, {}, h0, {});
    for (uint32_t row = 0; row < G; ++row) {
      st.sums(false)[row] = r.in(-(int64_t(1) << 30), int64_t(1) << 30);
      st.sums(true)[row] = r.in(-(int64_t(1) << 30), int64_t(1) << 30);
    }
    for (uint32_t row = 0; row < G; ++row) st.element(VecOp{VecKind::combine, 0, G}, row);
    for (uint32_t row = 0; row < G; ++row) st.element(VecOp{VecKind::act_gates, 0, G}, row);
    const int fs = h.sig.frac, ft = h.tanh.frac, fh = h.out.frac, m = std::max(fs + ft, fs + fh);
    std::vector<EwIn> ins(H);
    for (uint32_t j = 0; j < H; ++j) {
      EwIn& e = ins[j];
      const int64_t z = st.activations()[j], n = st.activations()[2 * H + j];
      e.use_p0 = e.use_p1 = e.one_minus = 1;
      e.one = int64_t(1) << fs;
      e.pa0 = z;
      e.pb0 = n;
      e.s[3] = m - fs - ft;
      e.pa1 = z;
      e.pb1 = h0[j];
      e.s[4] = m - fs - fh;
      set_shift(e, m, h.out.frac);
      e.obits = h.out.bits;
      st.element(VecOp{VecKind::hidden_gru, 0, H}, j);
    }
    st.finish_step();
    for (uint32_t j = 0; j < H; ++j) {
      c.lines.push_back(line_of(ins[j]));
      c.expect.push_back(st.hidden()[j]);
      c.what.push_back("hidden_gru");
    }
  }
}

}  // namespace

TEST_CASE("the element-wise lane's Verilog computes RecurrentState's arithmetic bit for bit", "[verilator]") {
  const std::string dir = scratch_dir("vector-lanes-ew");
  Rng r(20261205);
  int mismatches = 0;
  for (int A : {16, 48}) {
    Checked c;
    fc_cases(r, A, 60, c);
    combine_cases(r, A, 60, c);
    if (A == 48) gru_cases(r, 40, c);  // the products' exact sums fit 48 bits, not 16
    // The cases reach each path: right and left requantizer shifts, ReLU, saturation.
    const std::vector<int64_t> y = run_lane(A == 16 ? LANE_EW16_BIN : LANE_EW48_BIN, c.lines, dir, "ew" + std::to_string(A));
    compare(c, y, &mismatches);
    int at_bound = 0;
    for (int64_t v : c.expect) at_bound += v == 32767 || v == -32768 || v == 0;
    CHECK(at_bound > 0);
  }
  CHECK(mismatches == 0);
}

TEST_CASE("the activation lane's Verilog computes activation() bit for bit", "[verilator]") {
  // The ROM as the C++ holds it, one entry a line: sigmoid's segments, then tanh's.
  const std::string dir = scratch_dir("vector-lanes-act");
  const std::string rom = dir + "/rom.txt";
  {
    std::ofstream f(rom);
    for (ActFn fn : {ActFn::sigmoid, ActFn::tanh})
      for (uint32_t s = 0; s < activation_rom_shape().entries / 2; ++s) {
        const ActivationRomEntry e = activation_rom_entry(fn, s);
        f << e.value << ' ' << e.slope << '\n';
      }
  }
  Rng r(1205);
  Checked c;
  for (int k = 0; k < 4000; ++k) {
    const int64_t x = r.value(16);
    const bool th = r.in(0, 1);
    const Fmt in{16, int(r.in(0, 15))}, out{int(r.in(2, 16)), int(r.in(0, 15))};
    std::ostringstream os;
    os << x << ' ' << int(th) << ' ' << in.frac << ' ' << out.frac << ' ' << out.bits;
    c.lines.push_back(os.str());
    c.expect.push_back(activation(th ? ActFn::tanh : ActFn::sigmoid, x, in, out));
    c.what.push_back(th ? "tanh" : "sigmoid");
  }
  const std::vector<int64_t> y = run_lane(LANE_ACT_BIN, c.lines, dir, "act", rom);
  int mismatches = 0;
  compare(c, y, &mismatches);
  CHECK(mismatches == 0);
}
