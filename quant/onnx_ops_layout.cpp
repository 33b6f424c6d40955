// The operators without weights: Relu (fused into the conv/fc/add before it when nothing else
// reads that layer), MaxPool, AveragePool, GlobalAveragePool, Concat, Flatten, Reshape; and the
// constant producers Constant and Transpose (of a constant), evaluated at import.
#include <algorithm>

#include "quant/onnx_attrs.h"

namespace shiftsim::quant::onnx_import {

namespace {

constexpr int64_t kMaxDim = int64_t(1) << 20;  // the IR's own limit on a size

void relu(const Node& n) {
  const Attrs a(n, {"consumed_inputs"});  // opset-1 memory hint, no effect on the values
  n.expect_io(1, 1);
  const Value& x = n.value(0, "X");
  if (x.own && x.layer != kNetworkInput && n.sole_reader(0)) {
    Layer& prev = n.layer(x.layer);
    if ((prev.type == LayerType::conv || prev.type == LayerType::fc ||
         prev.type == LayerType::add) && !prev.relu) {
      prev.relu = true;
      return n.set_output(Value{x.layer, x.dims, false});
    }
  }
  Layer l;
  l.type = LayerType::relu;
  l.inputs = {x.layer};
  ir_shape(n, x.dims, "input X");
  n.set_output(Value{n.add_layer(l, {}), x.dims, false});
}

void add_pool(const Node& n, const Value& x, LayerType t, const Window& w) {
  Layer l;
  l.type = t;
  l.inputs = {x.layer};
  l.kernel = w.kernel;
  l.stride = w.stride;
  l.pad = w.pad;
  const int i = n.add_layer(l, {});
  const Shape o = n.layer(i).out_shape;
  n.set_output(Value{i, {o.c, o.h, o.w}, false});
}

void pool(const Node& n, bool max) {
  const Attrs a = max ? Attrs(n, {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads",
                                  "storage_order", "strides"})
                      : Attrs(n, {"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape",
                                  "pads", "strides"});
  n.expect_io(1, 1);  // MaxPool's second output (Indices) has no IR counterpart
  const Value& x = n.value(0, "X");
  const Dims ks = a.ints("kernel_shape", {});
  if (ks.size() != 2) a.fail("kernel_shape", "expected two sizes [kH, kW] (2-D pooling)");
  const Window w = resolve_window(n, a, x.dims, ks[0], ks[1], true);
  // The IR's average pool divides by K*K, counting padding as zeros; ONNX's default leaves the
  // padding out of the divisor, which differs at the borders.
  if (!max && w.pad > 0 && a.i("count_include_pad", 0) == 0)
    a.fail("count_include_pad", "with padding the average would leave the padding out of the "
                                "divisor; the IR divides by kH*kW (count_include_pad = 1)");
  add_pool(n, x, max ? LayerType::maxpool : LayerType::avgpool, w);
}

void global_average_pool(const Node& n) {
  const Attrs a(n, {});
  n.expect_io(1, 1);
  const Value& x = n.value(0, "X");
  if (x.dims.size() != 3 || x.dims[1] != x.dims[2])
    n.fail("input X is " + dims_str(x.dims) + " per sample: the IR pools a square [C, H, H] "
           "input only");
  add_pool(n, x, LayerType::avgpool, Window{int(x.dims[1]), 1, 0});
}

void concat(const Node& n) {
  const Attrs a(n, {"axis"});
  n.expect_io(n.p.input_size(), 1);
  if (n.p.input_size() < 1) n.fail("has no inputs");
  std::vector<const Value*> xs;
  for (int k = 0; k < n.p.input_size(); ++k) xs.push_back(&n.value(k, "input " + std::to_string(k)));
  const Dims& d0 = xs[0]->dims;
  const int64_t rank = int64_t(d0.size()) + 1;
  if (n.im.opset >= 4 && !a.has("axis")) n.fail("attribute axis is missing (required since opset 4)");
  int64_t axis = a.i("axis", 1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) a.fail("axis", "out of range for rank-" + std::to_string(rank) + " inputs");
  if (axis != 1)
    a.fail("axis", axis == 0 ? "concatenates samples of the batch; the IR runs one sample at a time"
                             : "the IR concatenates along the channels (axis 1) only");
  Dims out = d0;
  for (size_t k = 1; k < xs.size(); ++k) {
    const Dims& d = xs[k]->dims;
    if (d.size() != d0.size() || !std::equal(d.begin() + 1, d.end(), d0.begin() + 1))
      n.fail("input " + std::to_string(k) + " is " + dims_str(d) + " per sample, input 0 " +
             dims_str(d0) + ": only the channel axis may differ");
    out[0] += d[0];
  }
  if (xs.size() == 1) return n.set_output(Value{xs[0]->layer, d0, false});
  Layer l;
  l.type = LayerType::concat;
  for (const Value* x : xs) l.inputs.push_back(x->layer);
  ir_shape(n, d0, "input 0");
  n.set_output(Value{n.add_layer(l, {}), out, false});
}

// A reshape the IR can hold: to the same CHW layout (no layer) or to a flat vector (flatten).
void reshape_to(const Node& n, const Value& x, const Dims& out, const std::string& what) {
  const Shape from = ir_shape(n, x.dims, "input"), to = ir_shape(n, out, "output");
  if (from == to) return n.set_output(Value{x.layer, out, false});
  if (out.size() != 1)
    n.fail(what + ": " + dims_str(x.dims) + " -> " + dims_str(out) + " per sample; the IR "
           "reshapes only to a flat vector [N, C*H*W] (or keeps the layout)");
  Layer l;
  l.type = LayerType::flatten;
  l.inputs = {x.layer};
  n.set_output(Value{n.add_layer(l, {}), out, false});
}

void flatten(const Node& n) {
  const Attrs a(n, {"axis"});
  n.expect_io(1, 1);
  const Value& x = n.value(0, "input");
  const int64_t rank = int64_t(x.dims.size()) + 1;
  int64_t axis = a.i("axis", 1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis > rank) a.fail("axis", "out of range for a rank-" + std::to_string(rank) + " input");
  // Output [prod(dims[:axis]), prod(dims[axis:])]: its first factor must be the batch alone.
  int64_t lead = 1;
  for (int64_t k = 0; k + 1 < axis; ++k) lead *= x.dims[size_t(k)];
  if (axis == 0 ? n.im.batch != 1 : lead != 1)
    a.fail("axis", axis == 0 ? "merges the batch into the features (only a fixed batch of 1 can)"
                             : "moves per-sample dimensions into the batch; the IR flattens each "
                               "sample (axis 1)");
  reshape_to(n, x, {element_count(x.dims)}, "flatten");
}

void reshape(const Node& n) {
  const Attrs a(n, {"allowzero", "shape"});
  Dims shape;
  if (a.has("shape")) {  // before opset 5 the shape was an attribute
    n.expect_io(1, 1);
    shape = a.ints("shape", {});
  } else {
    n.expect_io(2, 1);
    const Constant& s = n.constant(1, "shape");
    if (s.dims.size() != 1) n.fail("input shape is " + dims_str(s.dims) + ", expected a 1-D list");
    for (double v : s.v) shape.push_back(int64_t(v));
  }
  const Value& x = n.value(0, "data");
  const int64_t batch = n.im.batch > 0 ? n.im.batch : 1;
  Dims in{batch};
  in.insert(in.end(), x.dims.begin(), x.dims.end());
  const int64_t total = element_count(in);
  const bool allowzero = a.i("allowzero", 0) != 0;
  Dims out;
  int64_t known = 1, infer = -1;
  for (size_t k = 0; k < shape.size(); ++k) {
    int64_t d = shape[k];
    if (d == 0 && !allowzero) {
      if (k >= in.size()) n.fail("shape " + dims_str(shape) + ": 0 copies a dimension the input lacks");
      d = in[k];
    }
    if (d == -1 && infer < 0) {
      infer = int64_t(k);
      out.push_back(1);
      continue;
    }
    if (d < 1 || d > total / known)
      n.fail("shape " + dims_str(shape) + " does not fit the " + std::to_string(total) +
             " values of " + dims_str(in));
    known *= d;
    out.push_back(d);
  }
  if (infer >= 0) out[size_t(infer)] = total / known;
  if (out.empty() || element_count(out) != total)
    n.fail("shape " + dims_str(shape) + " does not fit the " + std::to_string(total) +
           " values of " + dims_str(in));
  // The first dimension must stay the batch; with a symbolic batch only 0 or -1 can say so.
  if (out[0] != batch || (n.im.batch == 0 && shape[0] != 0 && shape[0] != -1))
    n.fail("shape " + dims_str(shape) + " changes the batch dimension; the IR reshapes each sample");
  const Dims per(out.begin() + 1, out.end());
  for (int64_t d : per)
    if (d > kMaxDim) n.fail("shape " + dims_str(shape) + ": a size beyond 2^20");
  reshape_to(n, x, per, "reshape");
}

void constant(const Node& n) {
  const Attrs a(n, {"value", "value_float", "value_floats", "value_int", "value_ints"});
  n.expect_io(0, 1);
  Constant c;
  if (const onnx::TensorProto* t = a.tensor("value")) {
    c = read_tensor(*t, n.im.where, n.label() + ": attribute value");
  } else if (a.has("value_float")) {
    c.v = {a.f("value_float", 0)};
  } else if (a.has("value_int")) {
    c.v = {double(a.i("value_int", 0))};
  } else if (a.has("value_floats")) {
    c.v = a.floats("value_floats");
    c.dims = {int64_t(c.v.size())};
  } else if (a.has("value_ints")) {
    for (int64_t v : a.ints("value_ints", {})) c.v.push_back(double(v));
    c.dims = {int64_t(c.v.size())};
  } else {
    n.fail("has no value");
  }
  n.set_output(c);
}

// Exporters write Linear without bias as Transpose(weight) -> MatMul: fold the transpose.
void transpose(const Node& n) {
  const Attrs a(n, {"perm"});
  n.expect_io(1, 1);
  if (n.has(0) && !n.is_constant(0))
    n.fail("transposes a tensor computed at run time; the IR has no transpose (only constant "
           "weights are transposed, at import)");
  const Constant& c = n.constant(0, "data");
  if (c.dims.size() != 2) n.fail("constant is " + dims_str(c.dims) + ": only 2-D constants transpose");
  const Dims perm = a.ints("perm", {1, 0});
  if (perm != Dims{1, 0} && perm != Dims{0, 1}) a.fail("perm", "expected [1, 0] or [0, 1]");
  if (perm == Dims{0, 1}) return n.set_output(c);
  const int64_t r = c.dims[0], k = c.dims[1];
  Constant t{{k, r}, std::vector<double>(c.v.size())};
  for (int64_t i = 0; i < r; ++i)
    for (int64_t j = 0; j < k; ++j) t.v[size_t(j * r + i)] = c.v[size_t(i * k + j)];
  n.set_output(t);
}

}  // namespace

bool import_layout_op(const Node& n) {
  if (n.op() == "Relu") relu(n);
  else if (n.op() == "MaxPool") pool(n, true);
  else if (n.op() == "AveragePool") pool(n, false);
  else if (n.op() == "GlobalAveragePool") global_average_pool(n);
  else if (n.op() == "Concat") concat(n);
  else if (n.op() == "Flatten") flatten(n);
  else if (n.op() == "Reshape") reshape(n);
  else if (n.op() == "Constant") constant(n);
  else if (n.op() == "Transpose") transpose(n);
  else return false;
  return true;
}

const char* const kSupportedOps =
    "Conv, Gemm, MatMul, Relu, MaxPool, AveragePool, GlobalAveragePool, Add, Concat, "
    "BatchNormalization, Flatten, Reshape, LSTM, GRU; Constant and Transpose of a constant are evaluated "
    "at import";

bool is_supported_op(const std::string& op) {
  static const char* const ops[] = {"Conv", "Gemm", "MatMul", "BatchNormalization", "Add",
                                    "Relu", "MaxPool", "AveragePool", "GlobalAveragePool",
                                    "Concat", "Flatten", "Reshape", "Constant", "Transpose",
                                    "LSTM", "GRU"};
  return std::find(std::begin(ops), std::end(ops), op) != std::end(ops);
}

}  // namespace shiftsim::quant::onnx_import
