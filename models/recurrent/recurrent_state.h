#pragma once
// The recurrent unit's register file and the element-wise unit's arithmetic, element by
// element. Plain C++ shared by both simulation modes (as the PPU's arithmetic is): what differs
// between them is when each element is computed, not how. The rules are the golden executor's
// (quant/recurrent_golden.h, docs/QUANTIZATION.md "Recurrent fixed point"): every term of a
// gate accumulator aligned to the finest frac by a saturating left shift, the sum saturated to
// acc_bits (each clamp counted), requantized with round half up and clamped to the gate's width.
#include <cstdint>
#include <vector>

#include "models/recurrent/recurrent_layer.h"

namespace shiftsim::models {

class RecurrentState {
 public:
  // The layer's parameters as the parameter job brought them (the header decoded, the bias,
  // peepholes and initial states as integers).
  RecurrentState(const RecurrentHeader& h, std::vector<int64_t> bias, std::vector<int64_t> peepholes,
                 std::vector<int64_t> h0, std::vector<int64_t> c0);

  const RecurrentHeader& header() const { return h_; }
  // A new sequence: h and c from h0 and c0 (zeros when absent).
  void start_sequence();
  // The step's input vector (I values in the input format).
  void set_input(const int16_t* x);
  // An embedding's step: its table row is the step's output.
  void set_row(const int16_t* row);
  // The matrix-vector products' operand (x, h or r h) as the array reads it, and where their
  // row sums go (W x or R h, indexed by gate row).
  const std::vector<int16_t>& operand(Vec v) const;
  std::vector<int64_t>& sums(bool recurrent) { return recurrent ? sh_ : sx_; }
  // One element of a vector operation (activation or element-wise unit).
  void element(const VecOp& op, uint32_t e);
  // The step's end: h and c take their new values.
  void finish_step();
  const std::vector<int16_t>& hidden() const { return h16_; }
  // The gate values (pre-activations) and the activations, by gate row, as the element-wise
  // and activation units left them (the Verilated lanes' test reads them).
  const std::vector<int64_t>& gate_values() const { return pre_; }
  const std::vector<int64_t>& activations() const { return act_; }
  uint64_t saturations() const { return saturations_; }

 private:
  int64_t clamp_acc(int64_t x);
  int64_t align(int64_t x, int from, int to);
  int64_t input_part(uint32_t row, int a, bool skip_rb);
  int64_t peephole(uint32_t row, int64_t c);

  RecurrentHeader h_;
  std::vector<int64_t> bias_, peep_, h0_, c0_;
  int fw_ = 0, fr_ = 0, fp_ = 0, a_ = 0;  // fracs of W x, R h, P c and of the gate accumulators
  std::vector<int16_t> x16_, h16_, rh16_;  // the array's operands
  std::vector<int64_t> c_, hn_, cn_, sx_, sh_, pre_, part_, act_, tc_, q_;
  uint64_t saturations_ = 0;
};

}  // namespace shiftsim::models
