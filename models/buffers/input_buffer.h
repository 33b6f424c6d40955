#pragma once
// The input buffer in cycle mode (docs/ARCHITECTURE.md §5-§6): two halves, each k x k banks
// interleaved by (y mod k, x mod k) with words of Tn activations, so that one read gives any
// k x k window of Tn channels whatever the stride. How the window sits in the banks is the
// buffer's business: the load unit writes what its read DMA staged through the fill port, the
// compute unit reads windows (the PE array) or elements (pooling and element-wise) through the
// read port, whose latency is `buffers.input_read_latency`.
#include <cstdint>
#include <vector>

#include <systemc>

#include "models/buffers/buffers.h"
#include "models/buffers/double_buffer.h"
#include "models/buffers/port_cycle.h"
#include "models/control/layer_plan.h"

namespace shiftsim::models {

// One DRAM read the load unit staged: where its bytes sit in the staging area and which part
// of the window they fill (for_each_window_read, models/control/layer_plan.h).
struct WindowRead {
  uint64_t addr = 0, bytes = 0, at = 0;
  uint32_t input = 0;  // 0: the first input, 1: the element-wise add's second
  int32_t c = 0, chans = 0, y = 0, rows = 0, xlo = 0, cols = 0;
};

class InputFillPort : public virtual sc_core::sc_interface {
 public:
  // In the cycle of the load job's last beat: half h takes window w of `inputs` inputs from
  // the bytes its reads staged; positions no read covers (padding) are zero.
  virtual void fill(uint32_t half, const Window& w, uint32_t inputs, uint32_t act_bytes,
                    const uint8_t* staged, const std::vector<WindowRead>& reads) = 0;
};

class InputReadPort : public virtual sc_core::sc_interface {
 public:
  virtual uint32_t read_latency() const = 0;
  // One read of the k^2 banks: nc channels x k x k activations ([n][a][b]) whose top-left is
  // row y, column x of the half's window; kernel rows >= rows and columns >= cols read zero
  // (positions beyond a K x K kernel's last piece).
  virtual void read_window(uint32_t half, uint32_t nc, uint32_t y, uint32_t x, uint32_t rows,
                            uint32_t cols, int16_t* out) = 0;
  // The same read of the k^2 banks, bank by bank, as a window generator that addresses the
  // banks itself does it (the RTL compute unit, docs/RTL.md): start_bank_read takes the port's
  // cycle for the whole window read; then read_bank_word gives bank (a, b)'s raw word at its
  // address (row word `row`, column word `col`), i.e. nc channels ([n]) of the half's window
  // at row row * k + a, column col * k + b, zero beyond the window. Only in a cycle a
  // start_bank_read took.
  virtual void start_bank_read(uint32_t half) = 0;
  virtual void read_bank_word(uint32_t half, uint32_t a, uint32_t b, uint32_t row, uint32_t col, uint32_t nc,
                              int16_t* word) = 0;
  // What the pooling and element-wise unit reads, one element per lane a cycle.
  virtual const InputHalf& contents(uint32_t half) const = 0;
};

class InputBuffer : public DoubleBuffer, public InputFillPort, public InputReadPort {
 public:
  sc_core::sc_export<InputFillPort> fill_port;
  sc_core::sc_export<InputReadPort> read_port;

  InputBuffer(sc_core::sc_module_name name, UnitEnv& env);

  void fill(uint32_t half, const Window& w, uint32_t inputs, uint32_t act_bytes, const uint8_t* staged,
            const std::vector<WindowRead>& reads) override;
  uint32_t read_latency() const override { return read_latency_; }
  void read_window(uint32_t half, uint32_t nc, uint32_t y, uint32_t x, uint32_t rows, uint32_t cols,
                   int16_t* out) override;
  void start_bank_read(uint32_t half) override;
  void read_bank_word(uint32_t half, uint32_t a, uint32_t b, uint32_t row, uint32_t col, uint32_t nc,
                      int16_t* word) override;
  const InputHalf& contents(uint32_t half) const override {
    require(half, true, "an element read");
    return halves_[half];
  }

 private:
  const uint32_t k_, read_latency_;
  InputHalf halves_[2];
  PortCycle read_cycle_;
};

}  // namespace shiftsim::models
