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
}  // namespace

TEST_CASE("input buffer: the producer fills a half, the consumer reads it, each only while it holds it") {
  Bench t;
  t.arch.pe_array.kernel = 3;
  InputBuffer b("input_buffer", t.env);
  t.bind(b);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  fill_ramp(b, 0);
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
