// LSTM and GRU nodes -> lstm and gru layers. What the IR holds: one direction, the default
// activations, no clip, no coupled input-forget gate, sequences of one length (sequence_lens
// absent or equal to T everywhere), initial states that are constants equal for every sample,
// and one of the outputs Y or Y_h read. Everything else is refused naming the attribute or input.
#include <algorithm>

#include "common/input_error.h"
#include "quant/onnx_attrs.h"

namespace shiftsim::quant::onnx_import {

namespace {

std::string list_str(const std::vector<std::string>& v) {
  std::string s = "[";
  for (size_t k = 0; k < v.size(); ++k) s += (k ? ", " : "") + v[k];
  return s + "]";
}

// A constant [D, N, H] (layout 0) or [N, D, H] (layout 1) initial state, equal for every sample
// (the IR runs one sample with one set of parameters): its H values, or empty if all zero.
std::vector<float> initial_state(const Node& n, int k, const std::string& role, int64_t layout,
                                 int64_t hidden) {
  if (!n.has(k)) return {};
  const Constant& c = n.constant(k, role);
  if (c.dims.size() != 3 || c.dims[layout == 0 ? 0 : 1] != 1 || c.dims[2] != hidden)
    n.fail("input " + role + " is " + dims_str(c.dims) + ", expected " +
           (layout == 0 ? "[1, N, " : "[N, 1, ") + std::to_string(hidden) + "]");
  const int64_t batch = c.dims[layout == 0 ? 1 : 0];
  std::vector<float> h(c.v.begin(), c.v.begin() + hidden);
  for (int64_t s = 1; s < batch; ++s)
    for (int64_t j = 0; j < hidden; ++j)
      if (c.v[size_t(s * hidden + j)] != double(h[size_t(j)]))
        n.fail("input " + role + " differs between samples " + std::to_string(s) + " and 0; the "
               "IR's initial state is a parameter, the same for every sample");
  if (std::all_of(h.begin(), h.end(), [](float x) { return x == 0.0f; })) return {};
  return h;
}

// The name of output k, or "" when absent or read by nothing.
bool output_read(const Node& n, int k) {
  if (k >= n.p.output_size() || n.p.output(k).empty()) return false;
  const auto it = n.im.uses.find(n.p.output(k));
  return it != n.im.uses.end() && it->second > 0;
}

void recurrent(const Node& n, bool lstm) {
  const Attrs a = lstm ? Attrs(n, {"activation_alpha", "activation_beta", "activations", "clip",
                                   "direction", "hidden_size", "input_forget", "layout"})
                       : Attrs(n, {"activation_alpha", "activation_beta", "activations", "clip",
                                   "direction", "hidden_size", "layout", "linear_before_reset"});
  // Inputs X, W, R, B, sequence_lens, initial_h (, initial_c, P); outputs Y, Y_h (Y_c has no IR
  // counterpart). Either of Y and Y_h may be absent.
  const int max_inputs = lstm ? 8 : 6;
  for (int k = max_inputs; k < n.p.input_size(); ++k)
    if (!n.p.input(k).empty())
      n.fail("has " + std::to_string(n.p.input_size()) + " inputs, " + n.op() + " has at most " +
             std::to_string(max_inputs));
  for (int k = 2; k < n.p.output_size(); ++k)
    if (!n.p.output(k).empty())
      n.fail("output " + std::to_string(k) + " (\"" + n.p.output(k) +
             "\") is not supported: the IR layer outputs Y or Y_h");
  const int64_t G = lstm ? 4 : 3;
  const std::string dir = a.s("direction", "forward");
  if (dir == "bidirectional")
    a.fail("direction", "is not supported: import it as two nodes, forward and reverse");
  if (dir != "forward" && dir != "reverse")
    a.fail("direction", "must be forward, reverse or bidirectional");
  const std::vector<std::string> defaults =
      lstm ? std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"}
           : std::vector<std::string>{"Sigmoid", "Tanh"};
  if (a.has("activations") && a.strings("activations") != defaults)
    a.fail("activations", "only the defaults " + list_str(defaults) + " are supported (the "
                          "fixed-point sigmoid and tanh are what the accelerator has)");
  for (const char* k : {"activation_alpha", "activation_beta", "clip"})
    if (a.has(k)) a.fail(k, "is not supported (default activations, no clipping)");
  if (lstm && a.i("input_forget", 0) != 0)
    a.fail("input_forget", "a coupled input and forget gate is not supported");
  const int64_t layout = a.i("layout", 0);
  if (layout != 0 && layout != 1) a.fail("layout", "must be 0 or 1");

  const Value& x = n.value(0, "X");
  if (x.batch_axis != (layout == 0 ? 1 : 0))
    n.fail(std::string("input X is ") + (layout == 0 ? "batch-major" : "time-major") +
           " but layout = " + std::to_string(layout) + " reads " +
           (layout == 0 ? "[T, N, I]" : "[N, T, I]"));
  if (x.dims.size() != 2) n.fail("input X is " + dims_str(x.dims) + " per sample, expected [T, I]");
  const int64_t T = x.dims[0], I = x.dims[1];
  const Constant& w = n.constant(1, "W (the input weights)");
  const Constant& r = n.constant(2, "R (the recurrence weights)");
  if (w.dims.size() != 3 || w.dims[0] != 1 || w.dims[1] % G != 0 || w.dims[1] < G)
    n.fail("weights W are " + dims_str(w.dims) + ", expected [1, " + std::to_string(G) +
           "*hidden_size, input_size]");
  const int64_t H = w.dims[1] / G;
  if (a.has("hidden_size") && a.i("hidden_size", 0) != H)
    a.fail("hidden_size", "does not match W " + dims_str(w.dims) + " (hidden_size " +
                              std::to_string(H) + ")");
  if (w.dims[2] != I)
    n.fail("input size mismatch: W " + dims_str(w.dims) + " takes " + std::to_string(w.dims[2]) +
           " features per step, X has " + std::to_string(I));
  if (r.dims != Dims{1, G * H, H})
    n.fail("weights R are " + dims_str(r.dims) + ", expected " + dims_str({1, G * H, H}));
  if (n.has(4)) {
    if (!n.is_constant(4))
      n.fail("input sequence_lens is computed at run time: only sequences of one fixed length "
             "are supported");
    for (double v : n.constant(4, "sequence_lens").v)
      if (int64_t(v) != T)
        n.fail("input sequence_lens holds " + std::to_string(int64_t(v)) + ", not the sequence "
               "length " + std::to_string(T) + ": variable-length sequences are not supported");
  }

  Layer l;
  l.type = lstm ? LayerType::lstm : LayerType::gru;
  l.inputs = {x.layer};
  l.rnn.hidden_size = int(H);
  l.rnn.input_size = int(I);
  l.rnn.direction = dir == "reverse" ? Direction::reverse : Direction::forward;
  l.rnn.linear_before_reset = !lstm && a.i("linear_before_reset", 0) != 0;
  FloatLayerParams p;
  p.weights.assign(w.v.begin(), w.v.end());  // [G*H][I]: ONNX's layout is the IR's
  p.weights.insert(p.weights.end(), r.v.begin(), r.v.end());
  if (lstm && n.has(7)) {
    const Constant& pp = n.constant(7, "P (the peepholes)");
    if (pp.dims != Dims{1, 3 * H})
      n.fail("peepholes P are " + dims_str(pp.dims) + ", expected " + dims_str({1, 3 * H}));
    l.rnn.peepholes = true;
    p.weights.insert(p.weights.end(), pp.v.begin(), pp.v.end());
  }
  p.bias.assign(size_t(2 * G * H), 0.0f);
  if (n.has(3)) {
    const Constant& b = n.constant(3, "B (the biases)");
    if (b.dims != Dims{1, 2 * G * H})
      n.fail("biases B are " + dims_str(b.dims) + ", expected " + dims_str({1, 2 * G * H}));
    p.bias.assign(b.v.begin(), b.v.end());
  }
  std::vector<float> h0 = initial_state(n, 5, "initial_h", layout, H);
  std::vector<float> c0 = lstm ? initial_state(n, 6, "initial_c", layout, H) : std::vector<float>{};
  if (!h0.empty() || !c0.empty()) {
    l.rnn.initial_state = true;
    h0.resize(size_t(H), 0.0f);
    p.bias.insert(p.bias.end(), h0.begin(), h0.end());
    if (lstm) {
      c0.resize(size_t(H), 0.0f);
      p.bias.insert(p.bias.end(), c0.begin(), c0.end());
    }
  }

  const bool y = output_read(n, 0), y_h = output_read(n, 1);
  if (y && y_h)
    n.fail("both outputs Y and Y_h are read; the IR layer has one output (Y_h is Y's last step)");
  l.rnn.sequence_output = y;
  const int i = n.add_layer(l, std::move(p));
  // Per sample: Y [T, 1, H], Y_h [1, H]; layout 0 puts the batch after the direction axis.
  const int k = y ? 0 : 1;
  const Value out{i, y ? Dims{T, 1, H} : Dims{1, H}, true, layout == 0 ? (y ? 2 : 1) : 0};
  if (k >= n.p.output_size() || n.p.output(k).empty()) n.fail("has no output Y or Y_h");
  const std::string& name = n.p.output(k);
  if (n.im.values.count(name) || n.im.constants.count(name))
    n.fail("output \"" + name + "\" is already produced by another node or initializer");
  n.im.values[name] = out;
}

bool reads_as_x(const onnx::NodeProto& p, const std::string& name) {
  return (p.op_type() == "LSTM" || p.op_type() == "GRU") && p.input_size() > 0 &&
         p.input(0) == name;
}

int64_t layout_of(const onnx::NodeProto& p) {
  for (const onnx::AttributeProto& a : p.attribute())
    if (a.name() == "layout") return a.i();
  return 0;
}

}  // namespace

int graph_input_batch_axis(const Import& im, const onnx::GraphProto& g, const std::string& name) {
  const onnx::NodeProto* time_major = nullptr;
  const onnx::NodeProto* other = nullptr;
  for (const onnx::NodeProto& p : g.node()) {
    const bool reads = std::find(p.input().begin(), p.input().end(), name) != p.input().end();
    if (!reads) continue;
    if (reads_as_x(p, name) && layout_of(p) == 0) time_major = &p;
    else other = &p;
  }
  if (time_major && other)
    throw InputError(im.where + ": graph input \"" + name + "\" is read as [T, N, I] by " +
                     time_major->op_type() + " (layout = 0) and as batch-major by " +
                     other->op_type() + " \"" + other->name() + "\"");
  return time_major ? 1 : 0;
}

bool import_recurrent_op(const Node& n) {
  if (n.op() == "LSTM") recurrent(n, true);
  else if (n.op() == "GRU") recurrent(n, false);
  else return false;
  return true;
}

}  // namespace shiftsim::quant::onnx_import
