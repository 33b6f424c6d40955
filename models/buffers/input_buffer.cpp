#include "models/buffers/input_buffer.h"

#include "models/act_bytes.h"

#include <stdexcept>
#include <string>

namespace shiftsim::models {

InputBuffer::InputBuffer(sc_core::sc_module_name name, UnitEnv& env)
    : DoubleBuffer(name, env, Sig::in_buf_owner), fill_port("fill_port"), read_port("read_port"),
      k_(env.arch.pe_array.kernel), read_latency_(env.arch.buffers.input_read_latency) {
  fill_port.bind(*this);
  read_port.bind(*this);
}

void InputBuffer::fill(uint32_t half, const Window& w, uint32_t inputs, uint32_t act_bytes,
                       const uint8_t* staged, const std::vector<WindowRead>& reads) {
  require(half, false, "a fill");
  InputHalf& in = halves_[half];
  in.window = w;
  in.data.assign(size_t(w.elements()) * inputs, 0);
  for (const WindowRead& r : reads) {
    int16_t* dst = r.input ? in.second() : in.data.data();
    const uint8_t* src = staged + r.at;
    for (int32_t k = 0; k < r.chans; ++k)
      for (int32_t y = 0; y < r.rows; ++y) {
        int16_t* row = dst + (size_t(r.c + k) * w.ny + (r.y + y - w.y0)) * w.nx + (r.xlo - w.x0);
        for (int32_t x = 0; x < r.cols; ++x, src += act_bytes) row[x] = load_act(src, act_bytes);
      }
  }
  env_.mark(Sig::in_buf_fill, in.data.size() * act_bytes);
}

void InputBuffer::read_window(uint32_t half, uint32_t nc, uint32_t y, uint32_t x, uint32_t rows, uint32_t cols,
                              int16_t* out) {
  require(half, true, "a window read");
  read_cycle_.use(env_.clock.now(), "input buffer read port");
  const InputHalf& in = halves_[half];
  const Window& w = in.window;
  for (uint32_t n = 0; n < nc; ++n)
    for (uint32_t a = 0; a < k_; ++a) {
      if (a >= rows) {
        for (uint32_t b = 0; b < k_; ++b) *out++ = 0;
        continue;
      }
      const int16_t* row = in.data.data() + (size_t(n) * w.ny + y + a) * w.nx + x;
      for (uint32_t b = 0; b < k_; ++b) *out++ = b < cols ? row[b] : int16_t(0);
    }
}

void InputBuffer::start_bank_read(uint32_t half) {
  require(half, true, "a window read");
  read_cycle_.use(env_.clock.now(), "input buffer read port");
}

void InputBuffer::read_bank_word(uint32_t half, uint32_t a, uint32_t b, uint32_t row, uint32_t col, uint32_t nc,
                                 int16_t* word) {
  if (!read_cycle_.used(env_.clock.now()))
    throw std::logic_error("input buffer read port: a bank word read outside a window read's cycle");
  if (a >= k_ || b >= k_) throw std::logic_error("input buffer read port: no bank (" + std::to_string(a) + ", " +
                                                 std::to_string(b) + ")");
  const InputHalf& in = halves_[half];
  const Window& w = in.window;
  const uint64_t y = uint64_t(row) * k_ + a, x = uint64_t(col) * k_ + b;
  const bool inside = y < uint64_t(w.ny) && x < uint64_t(w.nx);
  for (uint32_t n = 0; n < nc; ++n)
    word[n] = inside ? in.data[(size_t(n) * w.ny + y) * w.nx + x] : int16_t(0);
}

}  // namespace shiftsim::models
