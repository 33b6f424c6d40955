// The operators that carry weights: Conv and Gemm/MatMul become conv and fc layers;
// BatchNormalization folds into the conv/fc before it (bn_fold.h) or, when there is none it
// may change, becomes a 1x1 depthwise conv; Add of two tensors is an add layer and Add of a
// constant folds into the bias of the conv/fc before it.
#include "quant/bn_fold.h"
#include "quant/onnx_attrs.h"

namespace shiftsim::quant::onnx_import {

namespace {

std::vector<float> to_float(const std::vector<double>& v) { return {v.begin(), v.end()}; }

void conv(const Node& n) {
  const Attrs a(n, {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
  n.expect_io(3, 1);
  const Value& x = n.value(0, "X");
  const Constant& w = n.constant(1, "W (the weights)");
  if (x.dims.size() != 3)
    n.fail("input X is " + dims_str(x.dims) + " per sample: the IR's convolutions are 2-D, "
           "over [N, C, H, W]");
  if (w.dims.size() != 4) n.fail("weights W are " + dims_str(w.dims) + ", expected [M, C/group, kH, kW]");
  const int64_t groups = a.i("group", 1), c = x.dims[0], m = w.dims[0];
  if (m < 1) n.fail("weights W are " + dims_str(w.dims) + ": no output channels");
  if (groups < 1 || c % groups != 0 || m % groups != 0 || w.dims[1] * groups != c)
    a.fail("group", "does not fit " + std::to_string(c) + " input channels and weights " +
                        dims_str(w.dims));
  const Window win = resolve_window(n, a, x.dims, w.dims[2], w.dims[3], false);
  FloatLayerParams p;
  p.weights = to_float(w.v);  // ONNX [M][C/G][kH][kW] is the IR's layout
  p.bias.assign(size_t(m), 0.0f);
  if (n.has(2)) {
    const Constant& b = n.constant(2, "B (the bias)");
    if (b.dims != Dims{m}) n.fail("bias B is " + dims_str(b.dims) + ", expected [" + std::to_string(m) + "]");
    p.bias = to_float(b.v);
  }
  Layer l;
  l.type = LayerType::conv;
  l.inputs = {x.layer};
  l.out_channels = int(m);
  l.kernel = win.kernel;
  l.stride = win.stride;
  l.pad = win.pad;
  l.groups = int(groups);
  const int i = n.add_layer(l, std::move(p));
  const Shape o = n.layer(i).out_shape;
  n.set_output(Value{i, {o.c, o.h, o.w}, true});
}

// y = alpha * A * B' + beta * C with A = [N, K] the run-time input: an fc layer with
// weights[m][k] = alpha * B'(k, m) and bias[m] = beta * C(m). C must not vary along N.
void fully_connected(const Node& n, bool gemm) {
  const Attrs a = gemm ? Attrs(n, {"alpha", "beta", "transA", "transB", "broadcast"}) : Attrs(n, {});
  n.expect_io(gemm ? 3 : 2, 1);
  const Value& x = n.value(0, "A");
  if (x.dims.size() != 1)
    n.fail("input A is " + dims_str(x.dims) + " per sample: the IR's fc takes A = [N, K] "
           "(flatten it first)");
  if (gemm && a.i("transA", 0) != 0)
    a.fail("transA", "a transposed A puts the batch on the second axis; the IR runs one sample "
                     "at a time");
  const Constant& b = n.constant(1, "B (the weights)");
  const bool trans_b = gemm && a.i("transB", 0) != 0;
  const int64_t k = x.dims[0];
  if (b.dims.size() != 2 || b.dims[trans_b ? 1 : 0] != k)
    n.fail("weights B are " + dims_str(b.dims) + ", expected " + (trans_b ? "[M, " : "[") +
           std::to_string(k) + (trans_b ? "]" : ", M]") + " for A = [N, " + std::to_string(k) + "]");
  const int64_t m = b.dims[trans_b ? 0 : 1];
  if (m < 1) n.fail("weights B are " + dims_str(b.dims) + ": no outputs");
  const double alpha = gemm ? a.f("alpha", 1.0) : 1.0, beta = gemm ? a.f("beta", 1.0) : 1.0;
  FloatLayerParams p;
  p.weights.resize(size_t(m * k));
  for (int64_t r = 0; r < m; ++r)
    for (int64_t q = 0; q < k; ++q)
      p.weights[size_t(r * k + q)] = float(alpha * b.v[size_t(trans_b ? r * k + q : q * m + r)]);
  p.bias.assign(size_t(m), 0.0f);
  if (gemm && n.has(2)) {
    const Constant& c = n.constant(2, "C (the bias)");
    const Dims& d = c.dims;
    const bool per_sample_invariant = d.size() < 2 || d[0] == 1;
    if (d.size() > 2 || !per_sample_invariant || (!d.empty() && d.back() != 1 && d.back() != m))
      n.fail("bias C is " + dims_str(d) + ": the IR's fc bias is one value per output (C = [M], "
             "[1, M] or a scalar), the same for every sample");
    for (int64_t r = 0; r < m; ++r)
      p.bias[size_t(r)] = float(beta * c.v[size_t(c.v.size() == 1 ? 0 : r)]);
  }
  Layer l;
  l.type = LayerType::fc;
  l.inputs = {x.layer};
  l.out_channels = int(m);
  const int i = n.add_layer(l, std::move(p));
  n.set_output(Value{i, {m}, true});
}

// Folding changes the layer's weights, so it needs a conv/fc whose output nothing else reads.
int foldable_layer(const Node& n, const Value& x) {
  if (!x.own || x.layer == kNetworkInput || !n.sole_reader(0)) return -1;
  const LayerType t = n.layer(x.layer).type;
  return t == LayerType::conv || t == LayerType::fc ? x.layer : -1;
}

void batch_norm(const Node& n) {
  const Attrs a(n, {"epsilon", "momentum", "is_test", "spatial", "training_mode", "consumed_inputs"});
  if (a.i("training_mode", 0) != 0)
    a.fail("training_mode", "batch statistics; only inference mode (running mean and var) imports");
  n.expect_io(5, 1);  // the running-statistics outputs exist only in training mode
  if (n.im.opset < 7 && a.i("is_test", 0) == 0)
    a.fail("is_test", "before opset 7 is_test = 0 means training mode; only inference imports");
  if (a.i("spatial", 1) != 1) a.fail("spatial", "per-element statistics; only spatial = 1 imports");
  const Value& x = n.value(0, "X");
  if (x.dims.empty()) n.fail("input X has no channel axis");
  const int64_t c = x.dims[0];
  BatchNorm bn;
  bn.eps = a.f("epsilon", 1e-5);
  std::vector<float>* fields[] = {&bn.gamma, &bn.beta, &bn.mean, &bn.var};
  const char* roles[] = {"scale", "B (the shift)", "mean", "var"};
  for (int k = 0; k < 4; ++k) {
    const Constant& t = n.constant(k + 1, roles[k]);
    if (t.dims != Dims{c})
      n.fail("input " + std::string(roles[k]) + " is " + dims_str(t.dims) + ", expected [" +
             std::to_string(c) + "] for the channels of X " + dims_str(x.dims));
    *fields[k] = to_float(t.v);
  }
  int target = n.im.fold_batch_norm ? foldable_layer(n, x) : -1;
  if (target < 0) {
    // Nothing to fold into: the same arithmetic as a 1x1 depthwise conv, weights 1 and bias 0
    // before the fold.
    Layer l;
    l.type = LayerType::conv;
    l.inputs = {x.layer};
    l.out_channels = int(c);
    l.groups = int(c);
    ir_shape(n, x.dims, "input X");
    target = n.add_layer(l, FloatLayerParams{std::vector<float>(size_t(c), 1.0f),
                                             std::vector<float>(size_t(c), 0.0f)});
  }
  fold_batch_norm(n.layer(target), n.params(target), bn, n.im.where + ": " + n.label());
  n.set_output(Value{target, x.dims, true});
}

// Add of a constant: a per-channel bias of the conv/fc before it. The constant broadcasts
// against [N, C, ...] (numpy rules, or the legacy broadcast/axis attributes before opset 7) and
// may vary only along C.
void add_bias(const Node& n, const Attrs& a, int vk) {
  const Value& x = n.value(vk, vk == 0 ? "A" : "B");
  const Constant& b = n.constant(1 - vk, vk == 0 ? "B" : "A");
  const int target = n.sole_reader(vk) && x.own && x.layer != kNetworkInput &&
                             (n.layer(x.layer).type == LayerType::conv ||
                              n.layer(x.layer).type == LayerType::fc)
                         ? x.layer
                         : -1;
  if (target < 0)
    n.fail("adds a constant to a tensor that is not the output of a Conv/Gemm/MatMul read only "
           "here: the IR adds a constant only as such a layer's bias");
  const int64_t rank = int64_t(x.dims.size()) + 1, r = int64_t(b.dims.size());
  int64_t start = rank - r;  // where the constant's first axis lines up
  if (n.im.opset < 7 && a.i("broadcast", 0) != 0 && a.has("axis")) start = a.i("axis", 0);
  if (start < 0 || start + r > rank)
    n.fail("constant " + dims_str(b.dims) + " does not broadcast against " + dims_str(x.dims) +
           " per sample");
  const int64_t c = x.dims[0];
  bool per_channel = false;
  for (int64_t k = 0; k < r; ++k) {
    const int64_t axis = start + k, d = b.dims[size_t(k)];
    if (d == 1) continue;
    if (axis != 1 || d != c)
      n.fail("constant " + dims_str(b.dims) + " varies along an axis other than the channels of " +
             dims_str(x.dims) + " per sample: only a per-channel bias folds");
    per_channel = true;
  }
  std::vector<float>& bias = n.params(target).bias;
  for (int64_t m = 0; m < c; ++m) bias[size_t(m)] += float(b.v.empty() ? 0.0 : b.v[size_t(per_channel ? m : 0)]);
  n.set_output(Value{target, x.dims, true});
}

void add(const Node& n) {
  const Attrs a(n, {"broadcast", "axis"});
  n.expect_io(2, 1);
  if (!n.has(0) || !n.has(1)) n.fail("needs two inputs");
  if (n.is_constant(0) && n.is_constant(1)) n.fail("both inputs are constants");
  if (n.is_constant(0) || n.is_constant(1)) return add_bias(n, a, n.is_constant(0) ? 1 : 0);
  const Value& x = n.value(0, "A");
  const Value& y = n.value(1, "B");
  if (x.dims != y.dims)
    n.fail("inputs are " + dims_str(x.dims) + " and " + dims_str(y.dims) +
           " per sample: the IR adds equal shapes only (no broadcasting)");
  Layer l;
  l.type = LayerType::add;
  l.inputs = {x.layer, y.layer};
  ir_shape(n, x.dims, "input A");
  const int i = n.add_layer(l, {});
  n.set_output(Value{i, x.dims, true});
}

}  // namespace

bool import_compute_op(const Node& n) {
  if (n.op() == "Conv") conv(n);
  else if (n.op() == "Gemm") fully_connected(n, true);
  else if (n.op() == "MatMul") fully_connected(n, false);
  else if (n.op() == "BatchNormalization") batch_norm(n);
  else if (n.op() == "Add") add(n);
  else return false;
  return true;
}

}  // namespace shiftsim::quant::onnx_import
