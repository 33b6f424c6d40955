// lstm, gru and embedding in float. Each step is the matrix-vector products of the gates, then
// ONNX's element-wise equations; double accumulation, so that the result is a reference for the
// fixed-point executor rather than one more rounding order.
#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>

#include "common/input_error.h"
#include "quant/float_recurrent.h"

namespace shiftsim::quant {

namespace {

// out[g] = sum_k m[g][k] * v[k] for the rows of one gate block.
void matvec(const float* m, const std::vector<double>& v, int rows, std::vector<double>& out) {
  const size_t n = v.size();
  for (int g = 0; g < rows; ++g) {
    double s = 0;
    const float* row = m + size_t(g) * n;
    for (size_t k = 0; k < n; ++k) s += double(row[k]) * v[k];
    out[size_t(g)] = s;
  }
}

void widen(double& r, const std::vector<double>& v) {
  for (double x : v) r = std::max(r, std::fabs(x));
}

// The parameters of one recurrent layer, split as network.h describes them.
struct Params {
  const float *w, *r, *p, *wb, *rb, *h0, *c0;
};

Params split(const Layer& l, const FloatLayerParams& p) {
  const size_t G = size_t(gate_count(l.type)), H = size_t(l.rnn.hidden_size),
               I = size_t(l.rnn.input_size);
  Params s{};
  s.w = p.weights.data();
  s.r = s.w + G * H * I;
  s.p = l.rnn.peepholes ? s.r + G * H * H : nullptr;
  s.wb = p.bias.data();
  s.rb = s.wb + G * H;
  s.h0 = l.rnn.initial_state ? s.rb + G * H : nullptr;
  s.c0 = l.rnn.initial_state && l.type == LayerType::lstm ? s.h0 + H : nullptr;
  return s;
}

// "4", "1.5", "nan": the id as the user wrote it, not std::to_string's "4.000000".
std::string number_str(float v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

}  // namespace

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

void RecurrentRanges::merge(const RecurrentRanges& o) {
  input = std::max(input, o.input);
  hidden = std::max(hidden, o.hidden);
  cell = std::max(cell, o.cell);
  extra = std::max(extra, o.extra);
  if (gates.size() < o.gates.size()) gates.resize(o.gates.size(), 0.0);
  for (size_t g = 0; g < o.gates.size(); ++g) gates[g] = std::max(gates[g], o.gates[g]);
}

Tensor<float> run_float_recurrent(const Layer& l, const FloatLayerParams& prm,
                                  const Tensor<float>& in, RecurrentRanges* ranges) {
  const int T = in.shape.c, H = l.rnn.hidden_size, I = l.rnn.input_size;
  const int G = gate_count(l.type);
  const bool lstm = l.type == LayerType::lstm;
  const Params p = split(l, prm);
  const size_t n_h = size_t(H), n_g = size_t(G) * n_h;
  std::vector<double> h(n_h, 0.0), c(n_h, 0.0), x(static_cast<size_t>(I));
  if (p.h0) std::copy(p.h0, p.h0 + H, h.begin());
  if (p.c0) std::copy(p.c0, p.c0 + H, c.begin());
  // wx[g*H + j]: W x + Wb; rh: R h + Rb (gru's h gate may need r applied first, see below).
  std::vector<double> wx(n_g), rh(n_g), pre(n_g);
  RecurrentRanges seen;
  seen.gates.assign(size_t(G), 0.0);
  widen(seen.hidden, h);
  widen(seen.cell, c);
  Tensor<float> out(l.out_shape);
  for (int step = 0; step < T; ++step) {
    const int t = l.rnn.direction == Direction::forward ? step : T - 1 - step;
    for (int k = 0; k < I; ++k) x[size_t(k)] = in.data[size_t(t) * I + k];
    widen(seen.input, x);
    matvec(p.w, x, G * H, wx);
    for (int k = 0; k < G * H; ++k) wx[size_t(k)] += p.wb[k];
    if (lstm) {
      matvec(p.r, h, G * H, rh);
      for (int k = 0; k < G * H; ++k) pre[size_t(k)] = wx[size_t(k)] + rh[size_t(k)] + p.rb[k];
      // Gate blocks i, o, f, c; peepholes P i, o, f (o's uses the new cell state).
      for (int j = 0; j < H; ++j) {
        double& pi = pre[size_t(j)];
        double& po = pre[size_t(H + j)];
        double& pf = pre[size_t(2 * H + j)];
        const double pc = pre[size_t(3 * H + j)];
        if (p.p) pi += double(p.p[j]) * c[size_t(j)], pf += double(p.p[2 * H + j]) * c[size_t(j)];
        c[size_t(j)] = sigmoid(pf) * c[size_t(j)] + sigmoid(pi) * std::tanh(pc);
        if (p.p) po += double(p.p[H + j]) * c[size_t(j)];
        h[size_t(j)] = sigmoid(po) * std::tanh(c[size_t(j)]);
      }
    } else {
      // Gate blocks z, r, h.
      matvec(p.r, h, 2 * H, rh);  // z and r
      for (int k = 0; k < 2 * H; ++k) pre[size_t(k)] = wx[size_t(k)] + rh[size_t(k)] + p.rb[k];
      std::vector<double> rhh(n_h), hin(n_h);
      if (l.rnn.linear_before_reset) {
        matvec(p.r + size_t(2 * H) * H, h, H, rhh);
        for (int j = 0; j < H; ++j) rhh[size_t(j)] += p.rb[2 * H + j];
        widen(seen.extra, rhh);
        for (int j = 0; j < H; ++j)
          pre[size_t(2 * H + j)] = wx[size_t(2 * H + j)] + sigmoid(pre[size_t(H + j)]) * rhh[size_t(j)];
      } else {
        for (int j = 0; j < H; ++j) hin[size_t(j)] = sigmoid(pre[size_t(H + j)]) * h[size_t(j)];
        matvec(p.r + size_t(2 * H) * H, hin, H, rhh);
        for (int j = 0; j < H; ++j)
          pre[size_t(2 * H + j)] = wx[size_t(2 * H + j)] + rhh[size_t(j)] + p.rb[2 * H + j];
      }
      for (int j = 0; j < H; ++j) {
        const double z = sigmoid(pre[size_t(j)]), cand = std::tanh(pre[size_t(2 * H + j)]);
        h[size_t(j)] = (1.0 - z) * cand + z * h[size_t(j)];
      }
    }
    for (int g = 0; g < G; ++g)
      for (int j = 0; j < H; ++j)
        seen.gates[size_t(g)] = std::max(seen.gates[size_t(g)], std::fabs(pre[size_t(g * H + j)]));
    widen(seen.hidden, h);
    widen(seen.cell, c);
    if (l.rnn.sequence_output)
      for (int j = 0; j < H; ++j) out.data[size_t(t) * H + j] = float(h[size_t(j)]);
  }
  if (!l.rnn.sequence_output)
    for (int j = 0; j < H; ++j) out.data[size_t(j)] = float(h[size_t(j)]);
  if (!lstm) seen.cell = 0;
  if (ranges) ranges->merge(seen);
  return out;
}

Tensor<float> run_float_embedding(const Layer& l, const FloatLayerParams& p,
                                  const Tensor<float>& ids) {
  const int E = l.out_channels;
  Tensor<float> out(l.out_shape);
  for (int t = 0; t < ids.shape.c; ++t) {
    const float id = ids.data[size_t(t)];
    if (!(id >= 0 && id < float(l.vocab_size) && id == std::floor(id)))
      throw InputError("embedding layer " + l.name + ": step " + std::to_string(t) +
                       ": token id " + number_str(id) + " is not an integer in [0, " +
                       std::to_string(l.vocab_size) + ")");
    const float* row = p.weights.data() + size_t(id) * size_t(E);
    std::copy(row, row + E, out.data.begin() + long(t) * E);
  }
  return out;
}

}  // namespace shiftsim::quant
