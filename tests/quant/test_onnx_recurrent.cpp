// ONNX import of LSTM and GRU: the libonnx-testdata node tests run through the importer and the
// float executor against their reference outputs; built models for what those tests do not
// cover (linear_before_reset, reverse, initial states, time-major batches, Y) against a direct
// transcription of ONNX's equations; refusals naming the node, attribute and value.
#include <catch2/catch.hpp>

#include <cmath>

#include "onnx_test_util.h"
#include "quant_test_util.h"

using namespace shiftsim::quant;
using namespace shiftsim::quant::test;
using Catch::Matchers::Contains;

namespace {

int64_t layout_of(const onnx::ModelProto& m) {
  for (const onnx::AttributeProto& a : m.graph().node(0).attribute())
    if (a.name() == "layout") return a.i();
  return 0;
}

// [A, B, C] -> [B, A, C]: a time-major [T, N, I] batch as N samples of [T, I].
std::vector<float> swap01(const std::vector<float>& x, int64_t a, int64_t b, int64_t c) {
  std::vector<float> y(x.size());
  for (int64_t i = 0; i < a; ++i)
    for (int64_t j = 0; j < b; ++j)
      for (int64_t k = 0; k < c; ++k) y[size_t((j * a + i) * c + k)] = x[size_t((i * b + j) * c + k)];
  return y;
}

// Runs every sample of a batch through the float executor; `x` holds [T, N, I] (time_major)
// or [N, T, I]; the outputs are concatenated per sample.
std::vector<float> run_samples(const FloatNetwork& f, std::vector<float> x, int64_t n,
                               bool time_major) {
  const Shape in = f.net.input;
  if (time_major) x = swap01(x, in.c, n, in.h);
  std::vector<float> out;
  for (int64_t s = 0; s < n; ++s) {
    Tensor<float> t(in);
    std::copy(x.begin() + s * in.elements(), x.begin() + (s + 1) * in.elements(), t.data.begin());
    const std::vector<float> y = run_float(f, t).back().data;
    out.insert(out.end(), y.begin(), y.end());
  }
  return out;
}

double max_error(const std::vector<float>& a, const std::vector<float>& b) {
  double e = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) e = std::max(e, std::fabs(double(a[i]) - b[i]));
  return e;
}

// One node test with graph output `keep` only (the IR layer has one output).
std::string check_node_test(const std::string& rel, int keep, double& err) {
  OnnxCase c = load_case(rel);
  onnx::GraphProto& g = *c.model.mutable_graph();
  if (g.output_size() > 1) {
    const onnx::ValueInfoProto out = g.output(keep);
    g.clear_output();
    *g.add_output() = out;
    c.output = read_proto<onnx::TensorProto>(kOnnxData + rel + "/test_data_set_0/output_" +
                                             std::to_string(keep) + ".pb");
  }
  const FloatNetwork f = import_onnx_model(c.model, c.model_path);
  const bool time_major = layout_of(c.model) == 0;
  const int64_t n = c.input.dims(time_major ? 1 : 0);
  const std::vector<float> got = run_samples(f, floats_of(c.input), n, time_major);
  const std::vector<float> want = floats_of(c.output);
  err = max_error(got, want);
  return mismatch(got, want);
}

// ONNX's equations, written out for one sample [T][I], forward or reverse; returns Y [T][H]
// and sets h to Y_h.
struct Ref {
  bool lstm = true, reverse = false, lbr = false;
  int H = 0, I = 0;
  std::vector<float> W, R, B, h0, c0;
};
double sg(double v) { return 1 / (1 + std::exp(-v)); }
std::vector<float> reference(const Ref& m, const std::vector<float>& x, std::vector<float>& y_h) {
  const int H = m.H, I = m.I, T = int(x.size()) / I, G = m.lstm ? 4 : 3;
  const size_t nH = static_cast<size_t>(H);
  std::vector<double> h(nH, 0.0), c(nH, 0.0);
  for (int j = 0; j < H && !m.h0.empty(); ++j) h[size_t(j)] = m.h0[size_t(j)];
  for (int j = 0; j < H && !m.c0.empty(); ++j) c[size_t(j)] = m.c0[size_t(j)];
  auto wx = [&](int row, int t) {
    double s = m.B.empty() ? 0 : m.B[size_t(row)];
    for (int k = 0; k < I; ++k) s += double(m.W[size_t(row * I + k)]) * x[size_t(t * I + k)];
    return s;
  };
  auto rh = [&](int row, const std::vector<double>& v) {
    double s = m.B.empty() ? 0 : m.B[size_t(G * H + row)];
    for (int k = 0; k < H; ++k) s += double(m.R[size_t(row * H + k)]) * v[size_t(k)];
    return s;
  };
  std::vector<float> y(size_t(T * H));
  for (int s = 0; s < T; ++s) {
    const int t = m.reverse ? T - 1 - s : s;
    std::vector<double> nh(nH), nc(nH);
    for (int j = 0; j < H; ++j) {
      if (m.lstm) {
        const double i = sg(wx(j, t) + rh(j, h)), o = sg(wx(H + j, t) + rh(H + j, h)),
                     f = sg(wx(2 * H + j, t) + rh(2 * H + j, h)),
                     g = std::tanh(wx(3 * H + j, t) + rh(3 * H + j, h));
        nc[size_t(j)] = f * c[size_t(j)] + i * g;
        nh[size_t(j)] = o * std::tanh(nc[size_t(j)]);
      } else {
        const double z = sg(wx(j, t) + rh(j, h)), r = sg(wx(H + j, t) + rh(H + j, h));
        double hh;
        if (m.lbr) {
          hh = std::tanh(wx(2 * H + j, t) + r * rh(2 * H + j, h));
        } else {
          std::vector<double> rhv(nH);
          for (int k = 0; k < H; ++k) rhv[size_t(k)] = sg(wx(H + k, t) + rh(H + k, h)) * h[size_t(k)];
          hh = std::tanh(wx(2 * H + j, t) + rh(2 * H + j, rhv));
        }
        nh[size_t(j)] = (1 - z) * hh + z * h[size_t(j)];
      }
    }
    h = nh;
    if (m.lstm) c = nc;
    for (int j = 0; j < H; ++j) y[size_t(t * H + j)] = float(h[size_t(j)]);
  }
  y_h.assign(h.begin(), h.end());
  return y;
}

std::vector<float> values(size_t n, uint32_t seed, float scale = 1.0f) {
  std::vector<float> v(n);
  for (float& x : v) {
    seed = seed * 1664525u + 1013904223u;
    x = scale * (float(seed >> 8) / float(1 << 23) - 1.0f);
  }
  return v;
}

// X [T, N, I] (layout 0) or [N, T, I] (layout 1) -> one recurrent node -> output Y or Y_h.
struct Built {
  OnnxBuilder b;
  onnx::NodeProto* node;
  Built(bool lstm, int64_t T, int64_t N, int64_t I, int64_t layout, const Ref& m, bool y_out)
      : b("X", layout == 0 ? std::vector<int64_t>{T, N, I} : std::vector<int64_t>{N, T, I}, 14) {
    const int64_t G = lstm ? 4 : 3, H = m.H;
    b.init("W", {1, G * H, I}, m.W);
    b.init("R", {1, G * H, H}, m.R);
    b.init("B", {1, 2 * G * H}, m.B);
    std::vector<std::string> in{"X", "W", "R", "B"};
    if (!m.h0.empty()) {
      std::vector<float> h;
      for (int64_t s = 0; s < N; ++s) h.insert(h.end(), m.h0.begin(), m.h0.end());
      b.init("h0", layout == 0 ? std::vector<int64_t>{1, N, H} : std::vector<int64_t>{N, 1, H}, h);
      in.insert(in.end(), {"", "h0"});
    }
    node = &b.node(lstm ? "LSTM" : "GRU", in, y_out ? "Y" : "", "rnn");
    node->add_output(y_out ? "" : "Y_h");
    OnnxBuilder::attr(*node, "hidden_size", H);
    if (layout) OnnxBuilder::attr(*node, "layout", layout);
    if (m.lbr) OnnxBuilder::attr(*node, "linear_before_reset", int64_t(1));
    if (m.reverse) str_attr("direction", "reverse");
    b.output(y_out ? "Y" : "Y_h");
  }
  void str_attr(const std::string& name, const std::string& v) {
    onnx::AttributeProto* a = node->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(v);
  }
};

Ref random_model(bool lstm, int H, int I, uint32_t seed) {
  const int G = lstm ? 4 : 3;
  Ref m;
  m.lstm = lstm;
  m.H = H;
  m.I = I;
  m.W = values(size_t(G * H * I), seed, 0.8f);
  m.R = values(size_t(G * H * H), seed + 1, 0.8f);
  m.B = values(size_t(2 * G * H), seed + 2, 0.5f);
  return m;
}

std::string refusal(const OnnxBuilder& b) {
  return input_error_of([&] { import_onnx_model(b.model(), "built.onnx"); });
}

}  // namespace

TEST_CASE("onnx import matches the libonnx-testdata lstm and gru node tests") {
  REQUIRE(std::filesystem::is_directory(kOnnxData));
  struct Case {
    const char* rel;
    int keep;
  };
  for (const Case& c : {Case{"node/test_lstm_defaults", 0}, {"node/test_lstm_with_initial_bias", 0},
                        {"node/test_lstm_with_peepholes", 0}, {"node/test_lstm_batchwise", 0},
                        {"node/test_lstm_batchwise", 1}, {"node/test_gru_defaults", 0},
                        {"node/test_gru_with_initial_bias", 0}, {"node/test_gru_seq_length", 0},
                        {"node/test_gru_batchwise", 0}, {"node/test_gru_batchwise", 1}}) {
    INFO(c.rel << " output " << c.keep);
    double err = 1;
    CHECK(check_node_test(c.rel, c.keep, err) == "");
    CHECK(err < 1e-6);
  }
}

TEST_CASE("onnx import of lstm and gru agrees with ONNX's equations on built models") {
  const int64_t T = 4, N = 3, I = 3;
  for (bool lstm : {true, false})
    for (int variant = 0; variant < 4; ++variant) {
      Ref m = random_model(lstm, 5, int(I), uint32_t(10 * variant + lstm));
      m.reverse = variant & 1;
      m.lbr = !lstm && (variant & 2);
      if (variant == 3) m.h0 = values(5, 99, 0.5f);
      for (int64_t layout : {0, 1})
        for (bool y_out : {false, true}) {
          INFO((lstm ? "lstm" : "gru") << " variant " << variant << " layout " << layout
                                       << (y_out ? " Y" : " Y_h"));
          Built b(lstm, T, N, I, layout, m, y_out);
          const FloatNetwork f = import_onnx_model(b.b.model(), "built.onnx");
          REQUIRE(f.net.layers.size() == 1);
          const Layer& l = f.net.layers[0];
          CHECK(l.rnn.linear_before_reset == m.lbr);
          CHECK(l.rnn.initial_state == !m.h0.empty());
          CHECK(l.out_shape == (y_out ? Shape{int(T), 5, 1} : Shape{5, 1, 1}));
          // Samples [N][T][I]; the model reads them time-major when layout = 0.
          const std::vector<float> xs = values(size_t(N * T * I), 7);
          std::vector<float> want;
          for (int64_t s = 0; s < N; ++s) {
            std::vector<float> h;
            const std::vector<float> y =
                reference(m, {xs.begin() + s * T * I, xs.begin() + (s + 1) * T * I}, h);
            want.insert(want.end(), (y_out ? y : h).begin(), (y_out ? y : h).end());
          }
          const std::vector<float> x = layout == 0 ? swap01(xs, N, T, I) : xs;
          CHECK(mismatch(run_samples(f, x, N, layout == 0), want) == "");
        }
    }
}

TEST_CASE("onnx import refuses lstm and gru settings the IR does not hold, naming them") {
  auto with = [](bool lstm, auto edit) {
    Built b(lstm, 2, 1, 3, 0, random_model(lstm, 4, 3, 1), false);
    edit(b);
    return refusal(b.b);
  };
  CHECK_THAT(with(true, [](Built& b) { b.str_attr("direction", "bidirectional"); }),
             Contains("built.onnx: node \"rnn\" (LSTM): attribute direction = bidirectional: is not supported"));
  CHECK_THAT(with(false, [](Built& b) { b.str_attr("direction", "up"); }),
             Contains("attribute direction = up: must be forward, reverse or bidirectional"));
  CHECK_THAT(with(false, [](Built& b) {
               onnx::AttributeProto* a = b.node->add_attribute();
               a->set_name("activations");
               a->set_type(onnx::AttributeProto::STRINGS);
               a->add_strings("HardSigmoid");
               a->add_strings("Tanh");
             }),
             Contains("(GRU): attribute activations = [HardSigmoid, Tanh]: only the defaults [Sigmoid, Tanh]"));
  CHECK_THAT(with(true, [](Built& b) {
               onnx::AttributeProto* a = b.node->add_attribute();
               a->set_name("clip");
               a->set_type(onnx::AttributeProto::FLOAT);
               a->set_f(3.0f);
             }),
             Contains("attribute clip = 3: is not supported"));
  CHECK_THAT(with(true, [](Built& b) { OnnxBuilder::attr(*b.node, "input_forget", int64_t(1)); }),
             Contains("attribute input_forget = 1"));
  CHECK_THAT(with(true, [](Built& b) {
               for (onnx::AttributeProto& a : *b.node->mutable_attribute())
                 if (a.name() == "hidden_size") a.set_i(5);
             }),
             Contains("attribute hidden_size = 5: does not match W [1, 16, 3] (hidden_size 4)"));
  CHECK_THAT(with(false, [](Built& b) {
               b.b.init_i64("lens", {1});
               b.node->add_input("lens");
             }),
             Contains("input sequence_lens holds 1, not the sequence length 2: variable-length "
                      "sequences are not supported"));
  CHECK_THAT(with(true, [](Built& b) { b.node->set_output(0, "Y"); b.b.output("Y"); }),
             Contains("both outputs Y and Y_h are read"));
  CHECK_THAT(with(true, [](Built& b) { b.node->add_output("Y_c"); }),
             Contains("output 2 (\"Y_c\") is not supported: the IR layer outputs Y or Y_h"));
  // Input size: W takes 3 features, X brings 2.
  Built wrong(false, 2, 1, 3, 0, random_model(false, 4, 3, 1), false);
  wrong.b.g().mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(2)->set_dim_value(2);
  CHECK_THAT(refusal(wrong.b), Contains("(GRU): input size mismatch: W [1, 12, 3] takes 3 "
                                        "features per step, X has 2"));
  // Initial states must be the same for every sample.
  Ref m = random_model(true, 4, 3, 1);
  m.h0 = values(4, 3);
  Built varying(true, 2, 2, 3, 0, m, false);
  varying.b.g().mutable_initializer(3)->set_float_data(5, 9.0f);
  CHECK_THAT(refusal(varying.b), Contains("input initial_h differs between samples 1 and 0"));
}

TEST_CASE("onnx import: an lstm classifier (Y_h, Flatten, MatMul) imports in layout 1 only") {
  const Ref m = random_model(true, 4, 3, 2);
  const std::vector<float> wfc = values(8, 5);
  for (int64_t layout : {1, 0}) {
    INFO("layout " << layout);
    Built b(true, 5, 2, 3, layout, m, false);
    b.b.g().clear_output();
    b.b.init("Wfc", {4, 2}, wfc);
    b.b.node("Flatten", {"Y_h"}, "flat", "flat");
    b.b.node("MatMul", {"flat", "Wfc"}, "y", "fc");
    b.b.output("y");
    if (layout == 0) {
      CHECK_THAT(refusal(b.b), Contains("node \"flat\" (Flatten): input input (\"Y_h\") is a "
                                        "time-major sequence (its batch on axis 1"));
      continue;
    }
    const FloatNetwork f = import_onnx_model(b.b.model(), "built.onnx");
    REQUIRE(f.net.layers.size() == 3);  // lstm, flatten, fc
    CHECK(f.net.layers[2].type == LayerType::fc);
    const std::vector<float> x = values(15, 9);
    std::vector<float> h;
    reference(m, x, h);
    std::vector<float> want(2, 0.0f);
    for (int o = 0; o < 2; ++o)
      for (int k = 0; k < 4; ++k) want[size_t(o)] += h[size_t(k)] * wfc[size_t(k * 2 + o)];
    CHECK(mismatch(run_samples(f, x, 1, false), want) == "");
  }
}
