// The sequence executor: embedding lookup, fc and the lstm/gru steps in integers.
#include "quant/recurrent_golden.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/input_error.h"
#include "quant/fixed_act.h"
#include "quant/int_arith.h"
#include "quant/recurrent_pow2.h"

namespace shiftsim::quant {

namespace {

// Accumulators, saturating to acc_bits and counting each clamp.
struct Acc {
  int bits;
  uint64_t saturations = 0;
  int64_t clamp(int64_t x) {
    const int64_t y = clamp_to_bits(x, bits);
    saturations += y != x;
    return y;
  }
  // x at frac `from` moved to frac `to` >= from: a left shift, saturating to acc_bits.
  int64_t align(int64_t x, int from, int to) {
    const int s = to - from;
    if (x == 0 || s == 0) return clamp(x);
    const int64_t limit = max_of_bits(bits) >> std::min(s, 62);
    if (x > limit || x < -limit - 1) return clamp(x > 0 ? INT64_MAX : INT64_MIN);
    return x * (int64_t(1) << s);
  }
};

// x at frac `from` -> format `to`: rounded right shift or exact left shift, clamped to to.bits.
int64_t requantize(int64_t x, int from, FixedFormat to) {
  const int s = from - to.frac;
  if (s >= 0) return clamp_to_bits(rshift_round(x, s), to.bits);
  const int64_t limit = int64_t(1) << std::max(0, 62 + s);
  if (x >= limit) return max_of_bits(to.bits);
  if (x <= -limit) return min_of_bits(to.bits);
  return clamp_to_bits(x * (int64_t(1) << -s), to.bits);
}

int64_t dot(const int32_t* row, const std::vector<int64_t>& v) {
  int64_t s = 0;  // |w|, |v| < 2^15 and at most 2^20 terms: |s| < 2^50
  for (size_t k = 0; k < v.size(); ++k) s += int64_t(row[k]) * v[k];
  return s;
}

// Row `row` of matrix `m` (rows of x.size() values) times x: shifts for power-of-two weights,
// the SVPE array's arithmetic; products otherwise. Both are exact, so they agree.
int64_t row_dot(const QTensor& m, size_t row, const std::vector<int64_t>& x) {
  const int32_t* w = &m.v[row * x.size()];
  return m.kind == WeightKind::pow2 ? pow2_dot(w, x) : dot(w, x);
}

int max4(int a, int b, int c, int d) { return std::max(std::max(a, b), std::max(c, d)); }

Tensor<int32_t> embedding(const Layer& l, const RecurrentQLayer& q, const Tensor<int32_t>& ids) {
  Tensor<int32_t> out(l.out_shape);
  const int E = l.out_channels;
  for (int t = 0; t < ids.shape.c; ++t) {
    const int32_t id = ids.data[size_t(t)];
    if (id < 0 || id >= l.vocab_size)
      throw InputError("embedding layer " + l.name + ": step " + std::to_string(t) + ": token id " +
                       std::to_string(id) + " is not in [0, " + std::to_string(l.vocab_size) + ")");
    std::copy_n(q.weights.v.begin() + long(id) * E, E, out.data.begin() + long(t) * E);
  }
  return out;
}

// A per-step fc runs the same weights over each of the T rows of its input.
Tensor<int32_t> fc(const Layer& l, const RecurrentQLayer& q, const Tensor<int32_t>& in,
                   FixedFormat in_fmt, Acc& acc) {
  Tensor<int32_t> out(l.out_shape);
  const size_t steps = l.per_step ? size_t(in.shape.c) : 1, n = in.data.size() / steps;
  const int fp = in_fmt.frac + q.weights.fmt.frac, a = std::max(fp, q.bias.fmt.frac);
  for (size_t t = 0; t < steps; ++t) {
    const std::vector<int64_t> x(in.data.begin() + long(t * n), in.data.begin() + long((t + 1) * n));
    for (int m = 0; m < l.out_channels; ++m) {
      const int64_t s = acc.clamp(acc.align(row_dot(q.weights, size_t(m), x), fp, a) +
                                  acc.align(q.bias.v[size_t(m)], q.bias.fmt.frac, a));
      int64_t y = requantize(s, a, q.out);
      if (l.relu) y = std::max<int64_t>(y, 0);
      out.data[t * size_t(l.out_channels) + size_t(m)] = int32_t(y);
    }
  }
  return out;
}

// One lstm/gru layer over all steps.
class RecurrentRun {
 public:
  RecurrentRun(const Layer& l, const RecurrentQLayer& q, FixedFormat in, Acc& acc)
      : l_(l), q_(q), acc_(acc), H_(l.rnn.hidden_size), I_(l.rnn.input_size) {
    const int fx = in.frac + q.weights.fmt.frac, fh = q.out.frac + q.recurrent.fmt.frac;
    const int fpc = q.peepholes.v.empty() ? fx : q.peepholes.fmt.frac + q.cell.frac;
    fw_ = fx;
    fr_ = fh;
    fp_ = fpc;
    a_ = max4(fx, fh, q.bias.fmt.frac, fpc);
    h_.assign(size_t(H_), 0);
    c_.assign(size_t(H_), 0);
    for (size_t j = 0; j < q.h0.v.size(); ++j) h_[j] = q.h0.v[j];
    for (size_t j = 0; j < q.c0.v.size(); ++j) c_[j] = q.c0.v[j];
  }

  Tensor<int32_t> run(const Tensor<int32_t>& x) {
    const int T = x.shape.c;
    Tensor<int32_t> out(l_.out_shape);
    std::vector<int64_t> xt(static_cast<size_t>(I_));
    for (int s = 0; s < T; ++s) {
      const int t = l_.rnn.direction == Direction::forward ? s : T - 1 - s;
      for (int k = 0; k < I_; ++k) xt[size_t(k)] = x.data[size_t(t) * I_ + k];
      if (l_.type == LayerType::lstm) lstm_step(xt);
      else gru_step(xt);
      if (l_.rnn.sequence_output)
        for (int j = 0; j < H_; ++j) out.data[size_t(t) * H_ + j] = int32_t(h_[size_t(j)]);
    }
    if (!l_.rnn.sequence_output)
      for (int j = 0; j < H_; ++j) out.data[size_t(j)] = int32_t(h_[size_t(j)]);
    return out;
  }

 private:
  // W x + Wb (+ Rb unless `skip_rb`) of row `row`, aligned to frac `a`.
  int64_t input_part(const std::vector<int64_t>& x, int row, int a, bool skip_rb = false) {
    const int fb = q_.bias.fmt.frac, G = gate_count(l_.type);
    int64_t s = acc_.align(row_dot(q_.weights, size_t(row), x), fw_, a) +
                acc_.align(q_.bias.v[size_t(row)], fb, a);
    if (!skip_rb) s += acc_.align(q_.bias.v[size_t(G * H_ + row)], fb, a);
    return s;
  }
  int64_t recurrent_part(const std::vector<int64_t>& h, int row, int a) {
    return acc_.align(row_dot(q_.recurrent, size_t(row), h), fr_, a);
  }
  int64_t pre_activation(int64_t sum, int gate) {
    return requantize(acc_.clamp(sum), a_, q_.gates[size_t(gate)]);
  }
  int64_t sigmoid(int64_t pre, int gate) {
    return fixed_activation(Activation::sigmoid, pre, q_.gates[size_t(gate)], q_.sigmoid_out);
  }
  int64_t tanh(int64_t v, FixedFormat f) { return fixed_activation(Activation::tanh, v, f, q_.tanh_out); }
  int64_t peephole(int gate_row, int64_t c) {  // P c at frac fp_, aligned to a_
    return acc_.align(int64_t(q_.peepholes.v[size_t(gate_row)]) * c, fp_, a_);
  }

  // Gates i, o, f, c (rows g*H + j); ONNX's P is i, o, f.
  void lstm_step(const std::vector<int64_t>& x) {
    const bool peep = !q_.peepholes.v.empty();
    const int fs = q_.sigmoid_out.frac, ft = q_.tanh_out.frac, fc = q_.cell.frac;
    std::vector<int64_t> c(c_), h(static_cast<size_t>(H_));
    for (int j = 0; j < H_; ++j) {
      int64_t si = input_part(x, j, a_) + recurrent_part(h_, j, a_);
      int64_t sf = input_part(x, 2 * H_ + j, a_) + recurrent_part(h_, 2 * H_ + j, a_);
      const int64_t sc = input_part(x, 3 * H_ + j, a_) + recurrent_part(h_, 3 * H_ + j, a_);
      if (peep) si += peephole(j, c_[size_t(j)]), sf += peephole(2 * H_ + j, c_[size_t(j)]);
      const int64_t i = sigmoid(pre_activation(si, 0), 0), f = sigmoid(pre_activation(sf, 2), 2);
      const int64_t g = tanh(pre_activation(sc, 3), q_.gates[3]);
      // c = f c + i g: the products at fs + fc and fs + ft, aligned exactly, then to the cell.
      const int m = std::max(fs + fc, fs + ft);
      // Multiplied by powers of two, not shifted: a left shift of a negative value is undefined
      // behaviour in C++17 (UBSan reports it).
      const int64_t sum = f * c_[size_t(j)] * (int64_t(1) << (m - fs - fc)) + i * g * (int64_t(1) << (m - fs - ft));
      c[size_t(j)] = requantize(sum, m, q_.cell);
    }
    for (int j = 0; j < H_; ++j) {
      int64_t so = input_part(x, H_ + j, a_) + recurrent_part(h_, H_ + j, a_);
      if (peep) so += peephole(H_ + j, c[size_t(j)]);  // o sees the new cell state
      const int64_t o = sigmoid(pre_activation(so, 1), 1);
      h[size_t(j)] = requantize(o * tanh(c[size_t(j)], q_.cell), fs + ft, q_.out);
    }
    c_ = c;
    h_ = h;
  }

  // Gates z, r, h.
  void gru_step(const std::vector<int64_t>& x) {
    const int fs = q_.sigmoid_out.frac, ft = q_.tanh_out.frac, fh = q_.out.frac;
    std::vector<int64_t> z(static_cast<size_t>(H_)), r(static_cast<size_t>(H_)), h(static_cast<size_t>(H_));
    for (int j = 0; j < H_; ++j) {
      z[size_t(j)] = sigmoid(pre_activation(input_part(x, j, a_) + recurrent_part(h_, j, a_), 0), 0);
      r[size_t(j)] = sigmoid(pre_activation(input_part(x, H_ + j, a_) + recurrent_part(h_, H_ + j, a_), 1), 1);
    }
    std::vector<int64_t> cand(static_cast<size_t>(H_));
    if (!l_.rnn.linear_before_reset) {
      // r h in the hidden format, then the h gate as the others.
      std::vector<int64_t> rh(static_cast<size_t>(H_));
      for (int j = 0; j < H_; ++j) rh[size_t(j)] = requantize(r[size_t(j)] * h_[size_t(j)], fs + fh, q_.out);
      for (int j = 0; j < H_; ++j)
        cand[size_t(j)] = tanh(pre_activation(input_part(x, 2 * H_ + j, a_) + recurrent_part(rh, 2 * H_ + j, a_), 2),
                               q_.gates[2]);
    } else {
      // q = R_h h + Rb_h in its own format; the h gate adds r q (at fs + fq) to W_h x + Wb_h.
      const FixedFormat fq = q_.reset_product;
      const int fb = q_.bias.fmt.frac, aq = std::max(fr_, fb);
      const int ah = max4(fw_, fs + fq.frac, fb, fb);
      for (int j = 0; j < H_; ++j) {
        const int row = 2 * H_ + j;
        const int64_t sq = acc_.clamp(recurrent_part(h_, row, aq) +
                                      acc_.align(q_.bias.v[size_t(3 * H_ + row)], fb, aq));
        const int64_t qv = requantize(sq, aq, fq);
        const int64_t s = acc_.clamp(input_part(x, row, ah, true) +
                                     acc_.align(r[size_t(j)] * qv, fs + fq.frac, ah));
        cand[size_t(j)] = tanh(requantize(s, ah, q_.gates[2]), q_.gates[2]);
      }
    }
    // h = (1 - z) cand + z h, 1 - z exact at fs.
    const int64_t one = int64_t(1) << fs;
    const int m = std::max(fs + ft, fs + fh);
    for (int j = 0; j < H_; ++j) {
      const int64_t sum = (one - z[size_t(j)]) * cand[size_t(j)] * (int64_t(1) << (m - fs - ft)) +
                          z[size_t(j)] * h_[size_t(j)] * (int64_t(1) << (m - fs - fh));
      h[size_t(j)] = requantize(sum, m, q_.out);
    }
    h_ = h;
  }

  const Layer& l_;
  const RecurrentQLayer& q_;
  Acc& acc_;
  const int H_, I_;
  int fw_ = 0, fr_ = 0, fp_ = 0, a_ = 0;  // fracs of W x, R h, P c and of the gate accumulators
  std::vector<int64_t> h_, c_;
};

}  // namespace

Tensor<int32_t> quantize_sequence_input(const Tensor<float>& x, FixedFormat fmt) {
  Tensor<int32_t> q(x.shape);
  for (size_t i = 0; i < x.data.size(); ++i) {
    if (!std::isfinite(x.data[i]))
      throw InputError("input value [" + std::to_string(i) + "] is not finite");
    q.data[i] = int32_t(round_to_bits(std::ldexp(double(x.data[i]), fmt.frac), fmt.bits));
  }
  return q;
}

std::vector<float> dequantize(const Tensor<int32_t>& t, FixedFormat fmt) {
  std::vector<float> v(t.data.size());
  for (size_t i = 0; i < v.size(); ++i) v[i] = float(std::ldexp(double(t.data[i]), -fmt.frac));
  return v;
}

RecurrentGoldenRun run_recurrent_golden(const RecurrentQuantizedNetwork& qn,
                                        const Tensor<int32_t>& input) {
  check_recurrent_network(qn, qn.net.name);
  if (input.shape != qn.net.input)
    throw InputError("recurrent golden: input is " + input.shape.str() + ", network " +
                     qn.net.name + " expects " + qn.net.input.str());
  for (size_t i = 0; i < input.data.size(); ++i)
    if (input.data[i] != clamp_to_bits(input.data[i], qn.input.bits))
      throw InputError("recurrent golden: input value [" + std::to_string(i) + "] = " +
                       std::to_string(input.data[i]) + " does not fit " +
                       std::to_string(qn.input.bits) + " bits");
  RecurrentGoldenRun run;
  for (size_t i = 0; i < qn.net.layers.size(); ++i) {
    const Layer& l = qn.net.layers[i];
    const RecurrentQLayer& q = qn.layers[i];
    const int src = l.inputs[0];
    const Tensor<int32_t>& in = src == kNetworkInput ? input : run.outputs[size_t(src)];
    const FixedFormat in_fmt = src == kNetworkInput ? qn.input : qn.layers[size_t(src)].out;
    Acc acc{qn.acc_bits};
    if (l.type == LayerType::embedding) run.outputs.push_back(embedding(l, q, in));
    else if (l.type == LayerType::fc) run.outputs.push_back(fc(l, q, in, in_fmt, acc));
    else run.outputs.push_back(RecurrentRun(l, q, in_fmt, acc).run(in));
    run.saturations.push_back(acc.saturations);
  }
  return run;
}

}  // namespace shiftsim::quant
