// The Verilated recurrent-unit lanes driven from text (tests/lanes/test_vector_lanes.cpp writes
// the inputs and checks the outputs against the C++ arithmetic): one element a line on stdin,
// its result a line on stdout, each element held for the lane's whole pipeline (the operation's
// command fields stay put as its command register does). Built by Verilator (--exe) with
// -DLANE_EW (the element-wise lane, elementwise_lane.v) or -DLANE_ACT (the activation lane,
// activation_lane.v, its ROM the file named by the first argument: one "value slope" line per
// entry, sigmoid's 512 segments then tanh's, read a cycle after the address as a RAMB36's).
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "verilated.h"
#define LANE_STR(x) #x
#define LANE_XSTR(x) LANE_STR(x)
#include LANE_XSTR(LANE_TOP.h)

namespace {

// `width` bits of v into a port from bit `lo`: a wide port (VlWide) word by word.
template <std::size_t N>
void put(VlWide<N>& w, int lo, int width, uint64_t v) {
  for (int i = 0; i < width; ++i) {
    const int b = lo + i;
    const uint32_t bit = uint32_t((v >> i) & 1u);
    w[b / 32] = (w[b / 32] & ~(1u << (b % 32))) | (bit << (b % 32));
  }
}
template <typename T, typename = std::enable_if_t<std::is_integral_v<T>>>
void put(T& w, int lo, int width, uint64_t v) {
  const uint64_t mask = width >= 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1;
  w = T((uint64_t(w) & ~(mask << lo)) | ((v & mask) << lo));
}

int64_t signed_of(uint64_t v, int width) {
  const uint64_t m = uint64_t(1) << (width - 1);
  v &= (m << 1) - 1;
  return int64_t(v ^ m) - int64_t(m);
}

}  // namespace

int main(int argc, char** argv) {
  auto ctx = std::make_unique<VerilatedContext>();
  auto top = std::make_unique<LANE_TOP>(ctx.get());
  std::string line;
#ifdef LANE_ACT
  if (argc < 2) return 2;
  std::vector<uint64_t> rom;
  {
    FILE* f = std::fopen(argv[1], "r");
    if (!f) return 2;
    unsigned long long value, slope;
    while (std::fscanf(f, "%llu %llu", &value, &slope) == 2) rom.push_back(uint64_t(slope) << LANE_VB | value);
    std::fclose(f);
  }
  constexpr int kStages = 3;
#else
  (void)argc;
  (void)argv;
  constexpr int kStages = 2;
#endif
  top->clk = 0;
  top->eval();
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
#ifdef LANE_EW
    int64_t x[5], s[5], pa0, pb0, pa1, pb1, one, one_minus, use_p0, use_p1, q, l, obits, relu;
    for (int64_t& v : x) in >> v;
    for (int64_t& v : s) in >> v;
    in >> pa0 >> pb0 >> pa1 >> pb1 >> one >> one_minus >> use_p0 >> use_p1 >> q >> l >> obits >> relu;
    if (!in) return 3;
    constexpr int A = LANE_A, V = 16, SB = LANE_SB, PB = V + 1;
    for (int i = 0; i < 5; ++i) {
      put(top->x, i * A, A, uint64_t(x[i]));
      put(top->s, i * SB, SB, uint64_t(s[i]));
    }
    top->pa0 = 0, top->pb0 = 0, top->pa1 = 0, top->pb1 = 0, top->one = 0;
    put(top->pa0, 0, PB, uint64_t(pa0));
    put(top->pb0, 0, PB, uint64_t(pb0));
    put(top->pa1, 0, PB, uint64_t(pa1));
    put(top->pb1, 0, PB, uint64_t(pb1));
    put(top->one, 0, PB, uint64_t(one));
    top->one_minus = uint8_t(one_minus);
    top->use_p0 = uint8_t(use_p0);
    top->use_p1 = uint8_t(use_p1);
    top->q = uint8_t(q);
    top->l = uint8_t(l);
    top->obits = uint8_t(obits);
    top->relu = uint8_t(relu);
#else
    int64_t x, tanh_fn, in_frac, out_frac, out_bits;
    in >> x >> tanh_fn >> in_frac >> out_frac >> out_bits;
    if (!in) return 3;
    top->x = 0;
    put(top->x, 0, 16, uint64_t(x));
    top->tanh_fn = uint8_t(tanh_fn);
    top->in_frac = uint8_t(in_frac);
    top->out_frac = uint8_t(out_frac);
    top->out_bits = uint8_t(out_bits);
#endif
    for (int k = 0; k < kStages; ++k) {
      top->clk = 0;
      top->eval();
#ifdef LANE_ACT
      const uint64_t word = rom.at(top->rom_addr);  // the RAMB36 registers the address at this edge
#endif
      top->clk = 1;
      top->eval();
#ifdef LANE_ACT
      top->rom_data = word;
      top->eval();
#endif
    }
    std::printf("%lld\n", (long long)signed_of(uint64_t(top->y), 16));
  }
  top->final();
  return 0;
}
