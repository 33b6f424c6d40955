// The buffer modules of cycle mode (docs/ARCHITECTURE.md §5): a half is the producer's or the
// consumer's as the toggle handshakes say, an access by the side that does not hold it is
// refused, a port serves one access a cycle, and the window read gives the k x k window of
// the banks with positions beyond the kernel zero. Each TEST_CASE elaborates its own machine
// (one process each).
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include <systemc>

#include "models/buffers/input_buffer.h"
#include "models/buffers/output_buffer.h"
#include "models/unit_env.h"

using namespace shiftsim::models;

namespace {
// A 2-channel 4 x 4 window, values c*100 + y*10 + x, staged as one read of whole planes.
void fill_ramp(InputBuffer& b, uint32_t half) {
  Window w;
  w.nch = 2;
  w.ny = w.nx = 4;
  std::vector<uint8_t> staged;
  for (int c = 0; c < 2; ++c)
    for (int y = 0; y < 4; ++y)
      for (int x = 0; x < 4; ++x) {
        const int v = c * 100 + y * 10 + x;
        staged.push_back(uint8_t(v & 0xFF));
        staged.push_back(uint8_t(v >> 8));
      }
  WindowRead r;
  r.bytes = staged.size();
  r.chans = 2;
  r.rows = r.cols = 4;
  b.fill(half, w, 1, 2, staged.data(), {r});
}

struct Bench {
  Bench() = default;
  // A machine of k x k kernels (set before a buffer is made on the bench).
  explicit Bench(uint32_t kernel) { arch.pe_array.kernel = kernel; }
  ArchSpec arch;
  VcdTrace trace{TraceOptions{}, 5000};
  UnitEnv env{arch, trace, DspCounting::synthesis};
  sc_core::sc_vector<sc_core::sc_signal<bool>> filled{"filled", 2}, freed{"freed", 2};
  template <class B>
  void bind(B& b) {
    for (int h = 0; h < 2; ++h) {
      b.filled[h](filled[h]);
      b.freed[h](freed[h]);
    }
  }
  // A toggle written now; the buffer sees it in the next cycle.
  void toggle(sc_core::sc_signal<bool>& s) {
    s.write(!s.read());
    next_cycle();
  }
  void next_cycle() { sc_core::sc_start(env.clock.period()); }
};

// Where the input buffer's tests start: a 3 x 3 kernel's buffer bound to the bench and
// elaborated, half 0 filled with the ramp and still the producer's.
struct InputBench : Bench {
  InputBuffer b;
  InputBench() : Bench(3), b("input_buffer", env) {
    bind(b);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
    fill_ramp(b, 0);
  }
};
}  // namespace

TEST_CASE("input buffer: the producer fills a half, the consumer reads it, each only while it holds it") {
  InputBench t;
  InputBuffer& b = t.b;
  std::vector<int16_t> win(2 * 9);
  CHECK_THROWS_WITH(b.read_window(0, 2, 0, 0, 3, 3, win.data()), Catch::Contains("which the producer holds"));
  t.toggle(t.filled[0]);  // the load unit hands half 0 over
  CHECK_THROWS_WITH(fill_ramp(b, 0), Catch::Contains("a fill of half 0") && Catch::Contains("consumer holds"));
  // The window at row 1, column 1 of a 2 x 3 kernel piece: the third kernel row reads zero.
  b.read_window(0, 2, 1, 1, 2, 3, win.data());
  const std::vector<int16_t> want = {11, 12, 13, 21, 22, 23, 0, 0, 0, 111, 112, 113, 121, 122, 123, 0, 0, 0};
  CHECK(win == want);
  // A second read in the same cycle is more than the port serves.
  CHECK_THROWS_WITH(b.read_window(0, 2, 0, 0, 3, 3, win.data()), Catch::Contains("second access"));
  CHECK_THROWS_WITH(b.contents(1), Catch::Contains("half 1"));
  t.toggle(t.freed[0]);  // the compute unit gives it back
  fill_ramp(b, 0);
}

TEST_CASE("output buffer: the compute unit accumulates while the store unit does not hold the half") {
  Bench t;
  OutputBuffer b("output_buffer", t.env);
  t.bind(b);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  b.start_tile(1, 2, 3, {5, 6});
  const int64_t first[2] = {1, 2}, more[2] = {10, 20};
  b.accumulate(1, 2, first, true);
  t.next_cycle();  // the port serves the next access in the next cycle
  b.accumulate(1, 2, more, false);
  CHECK_THROWS_WITH(b.contents(1), Catch::Contains("a drain of half 1"));
  t.toggle(t.filled[1]);  // the tile is finished: the store unit holds it
  const OutputHalf& out = b.contents(1);
  CHECK(out.acc == std::vector<int64_t>{0, 0, 11, 0, 0, 22});
  CHECK(out.bias == std::vector<int64_t>{5, 6});
  CHECK_THROWS_WITH(b.accumulate(1, 0, more, false), Catch::Contains("an accumulation of half 1"));
  t.toggle(t.freed[1]);
  b.start_tile(1, 1, 1, {});
}

// The bank-by-bank read of the RTL's window generator (docs/RTL.md): each bank's word at the
// address the RTL computes from the window's origin, rotated into window order, is the window
// read_window gives; the port's cycle is taken once for the whole window read.
TEST_CASE("input buffer: the k^2 banks read word by word give the window, one port access a cycle") {
  InputBench t;
  InputBuffer& b = t.b;
  t.toggle(t.filled[0]);
  int16_t word[2];
  CHECK_THROWS_WITH(b.read_bank_word(0, 0, 0, 0, 0, 2, word), Catch::Contains("outside a window read"));
  const uint32_t k = 3;
  for (uint32_t y0 = 0; y0 < 2; ++y0)
    for (uint32_t x0 = 0; x0 < 2; ++x0) {
      std::vector<int16_t> want(2 * 9), got(2 * 9);
      b.read_window(0, 2, y0, x0, 3, 2, want.data());
      t.next_cycle();
      b.start_bank_read(0);
      CHECK_THROWS_WITH(b.start_bank_read(0), Catch::Contains("second access"));
      // The RTL's address of bank (a, b) and its rotation: window (ky, kx) from bank
      // ((y0 + ky) mod k, (x0 + kx) mod k); kernel columns >= 2 masked.
      for (uint32_t a = 0; a < k; ++a)
        for (uint32_t bb = 0; bb < k; ++bb) {
          const uint32_t row = y0 / k + (a < y0 % k ? 1 : 0), col = x0 / k + (bb < x0 % k ? 1 : 0);
          b.read_bank_word(0, a, bb, row, col, 2, word);
          const uint32_t ky = (a + k - y0 % k) % k, kx = (bb + k - x0 % k) % k;
          for (uint32_t n = 0; n < 2; ++n) got[(n * k + ky) * k + kx] = kx < 2 ? word[n] : int16_t(0);
        }
      CHECK(got == want);
      t.next_cycle();
    }
  // Beyond the half's window a bank word reads zero.
  b.start_bank_read(0);
  b.read_bank_word(0, 2, 2, 1, 1, 2, word);  // position (5, 5) of a 4 x 4 window
  CHECK(word[0] == 0);
  CHECK(word[1] == 0);
}
