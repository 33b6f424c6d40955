#include "models/recurrent/recurrent_state.h"

#include <algorithm>
#include <stdexcept>

#include "models/recurrent/activation_table.h"

namespace shiftsim::models {

namespace {

int64_t max_bits(int bits) { return (int64_t(1) << (bits - 1)) - 1; }
int64_t min_bits(int bits) { return -(int64_t(1) << (bits - 1)); }
int64_t clamp_bits(int64_t x, int bits) { return std::min(std::max(x, min_bits(bits)), max_bits(bits)); }
int64_t rshift_round(int64_t x, int s) {
  if (s <= 0) return x;
  if (s >= 64) return 0;
  return (x >> s) + ((x >> (s - 1)) & 1);
}
// x at frac `from` into format `to`: rounded right shift, or a left shift saturating to its width.
int64_t requantize(int64_t x, int from, Fmt to) {
  const int s = from - to.frac;
  if (s >= 0) return clamp_bits(rshift_round(x, s), to.bits);
  const int64_t limit = int64_t(1) << std::max(0, 62 + s);
  if (x >= limit) return max_bits(to.bits);
  if (x <= -limit) return min_bits(to.bits);
  return clamp_bits(x * (int64_t(1) << -s), to.bits);
}
int max4(int a, int b, int c, int d) { return std::max(std::max(a, b), std::max(c, d)); }
int64_t pow2(int s) { return int64_t(1) << s; }

}  // namespace

RecurrentState::RecurrentState(const RecurrentHeader& h, std::vector<int64_t> bias, std::vector<int64_t> peepholes,
                               std::vector<int64_t> h0, std::vector<int64_t> c0)
    : h_(h), bias_(std::move(bias)), peep_(std::move(peepholes)), h0_(std::move(h0)), c0_(std::move(c0)) {
  const uint32_t H = h.hidden, GH = h.gate_count() * H;
  fw_ = h.in.frac + h.w.frac;
  fr_ = h.out.frac + h.r.frac;
  fp_ = h.peepholes ? h.p.frac + h.cell.frac : fw_;
  a_ = max4(fw_, fr_, h.bias.frac, fp_);
  x16_.assign(h.input, 0);
  h16_.assign(H, 0);
  rh16_.assign(H, 0);
  for (auto* v : {&c_, &hn_, &cn_, &tc_, &q_}) v->assign(H, 0);
  for (auto* v : {&sx_, &sh_, &pre_, &part_, &act_}) v->assign(GH, 0);
  start_sequence();
}

void RecurrentState::start_sequence() {
  for (uint32_t j = 0; j < h_.hidden; ++j) {
    h16_[j] = h0_.empty() ? 0 : int16_t(h0_[j]);
    c_[j] = c0_.empty() ? 0 : c0_[j];
  }
}

void RecurrentState::set_input(const int16_t* x) { std::copy_n(x, h_.input, x16_.begin()); }

void RecurrentState::set_row(const int16_t* row) { std::copy_n(row, h_.hidden, hn_.begin()); }

const std::vector<int16_t>& RecurrentState::operand(Vec v) const {
  return v == Vec::x ? x16_ : v == Vec::h ? h16_ : rh16_;
}

int64_t RecurrentState::clamp_acc(int64_t x) {
  const int64_t y = clamp_bits(x, h_.acc_bits);
  saturations_ += y != x;
  return y;
}

int64_t RecurrentState::align(int64_t x, int from, int to) {
  const int s = to - from;
  if (x == 0 || s == 0) return clamp_acc(x);
  const int64_t limit = max_bits(h_.acc_bits) >> std::min(s, 62);
  if (x > limit || x < -limit - 1) return clamp_acc(x > 0 ? INT64_MAX : INT64_MIN);
  return x * pow2(s);
}

// W x + Wb (+ Rb unless skip_rb) of gate row `row`, aligned to frac a.
int64_t RecurrentState::input_part(uint32_t row, int a, bool skip_rb) {
  const int fb = h_.bias.frac;
  int64_t s = align(sx_[row], fw_, a) + align(bias_[row], fb, a);
  if (!skip_rb) s += align(bias_[h_.gate_count() * h_.hidden + row], fb, a);
  return s;
}

int64_t RecurrentState::peephole(uint32_t row, int64_t c) { return align(peep_[row] * c, fp_, a_); }

void RecurrentState::element(const VecOp& op, uint32_t e) {
  const uint32_t H = h_.hidden, row = op.r0 + e, j = row % H;
  const int fs = h_.sig.frac, ft = h_.tanh.frac;
  switch (op.kind) {
    case VecKind::combine: {
      int64_t s = input_part(row, a_, false) + align(sh_[row], fr_, a_);
      const bool i_or_f = row < H || (row >= 2 * H && row < 3 * H);
      if (h_.lstm && h_.peepholes && i_or_f) s += peephole(row, c_[j]);
      pre_[row] = requantize(clamp_acc(s), a_, h_.gates[row / H]);
      break;
    }
    case VecKind::combine_part:
      part_[row] = input_part(row, a_, false) + align(sh_[row], fr_, a_);
      break;
    case VecKind::o_finish:
      pre_[row] = requantize(clamp_acc(part_[row] + peephole(row, cn_[j])), a_, h_.gates[1]);
      break;
    case VecKind::act_gates: {
      const uint32_t gate = row / H;
      const bool tanh = gate == (h_.lstm ? 3u : 2u);
      act_[row] = activation(tanh ? ActFn::tanh : ActFn::sigmoid, pre_[row], h_.gates[gate], tanh ? h_.tanh : h_.sig);
      break;
    }
    case VecKind::act_cell:
      tc_[j] = activation(ActFn::tanh, cn_[j], h_.cell, h_.tanh);
      break;
    case VecKind::cell: {  // c' = f c + i g, both products exact, aligned to the finer
      const int fc = h_.cell.frac, m = std::max(fs + fc, fs + ft);
      const int64_t sum = act_[2 * H + j] * c_[j] * pow2(m - fs - fc) + act_[j] * act_[3 * H + j] * pow2(m - fs - ft);
      cn_[j] = requantize(sum, m, h_.cell);
      break;
    }
    case VecKind::hidden_lstm:
      hn_[j] = requantize(act_[H + j] * tc_[j], fs + ft, h_.out);
      break;
    case VecKind::reset_h:
      rh16_[j] = int16_t(requantize(act_[H + j] * h16_[j], fs + h_.out.frac, h_.out));
      break;
    case VecKind::reset_q: {  // q = R_h h + Rb_h in its own format
      const uint32_t r = 2 * H + j;
      const int fb = h_.bias.frac, aq = std::max(fr_, fb);
      const int64_t sq = clamp_acc(align(sh_[r], fr_, aq) + align(bias_[3 * H + r], fb, aq));
      q_[j] = requantize(sq, aq, h_.reset_product);
      break;
    }
    case VecKind::combine_n: {  // W_h x + Wb_h + r q
      const uint32_t r = 2 * H + j;
      const int fb = h_.bias.frac, fq = h_.reset_product.frac, ah = max4(fw_, fs + fq, fb, fb);
      const int64_t s = clamp_acc(input_part(r, ah, true) + align(act_[H + j] * q_[j], fs + fq, ah));
      pre_[r] = requantize(s, ah, h_.gates[2]);
      break;
    }
    case VecKind::fc_out: {  // the golden executor's fc: W x and b aligned to the finer, summed
      const int fb = h_.bias.frac, fa = std::max(fw_, fb);
      int64_t y = requantize(clamp_acc(align(sx_[row], fw_, fa) + align(bias_[row], fb, fa)), fa, h_.out);
      if (h_.relu) y = std::max<int64_t>(y, 0);
      hn_[row] = y;
      break;
    }
    case VecKind::hidden_gru: {  // h' = (1 - z) n + z h, 1 - z exact at fs
      const int fh = h_.out.frac, m = std::max(fs + ft, fs + fh);
      const int64_t z = act_[j];
      const int64_t sum = (pow2(fs) - z) * act_[2 * H + j] * pow2(m - fs - ft) + z * h16_[j] * pow2(m - fs - fh);
      hn_[j] = requantize(sum, m, h_.out);
      break;
    }
  }
}

void RecurrentState::finish_step() {
  for (uint32_t j = 0; j < h_.hidden; ++j) {
    h16_[j] = int16_t(hn_[j]);
    if (h_.lstm) c_[j] = cn_[j];
  }
}

}  // namespace shiftsim::models
