#pragma once
// Internal to the ONNX importer (quant/onnx_*.cpp): the state of one import and what the
// operator handlers share. Not part of quant's interface; quant/onnx_import.h is.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "quant/weights_gen.h"

namespace shiftsim::quant::onnx_import {

using Dims = std::vector<int64_t>;

// A constant tensor: an initializer, a Constant node's value or a folded Transpose. Values are
// held as double, which represents every float32 weight and every int64 shape entry we accept.
struct Constant {
  Dims dims;  // full ONNX dims (constants have no batch)
  std::vector<double> v;
};

// A tensor computed at run time: the IR layer that computes it (kNetworkInput for the graph
// input) and its ONNX dims per sample (the batch dimension dropped).
struct Value {
  int layer = kNetworkInput;
  Dims dims;
  // True when the tensor is exactly that layer's output with nothing fused after it, so that a
  // batch norm or a constant bias can still fold into it and a Relu can fuse.
  bool own = false;
  // Where the batch is in the full ONNX tensor: 0, except for time-major sequences (recurrent
  // nodes with layout = 0 read X as [T, N, I] and write Y [T, D, N, H], Y_h [D, N, H]); only
  // LSTM and GRU read such a tensor.
  int batch_axis = 0;
};

// The state of one import.
struct Import {
  std::string where;   // the file, for messages
  int64_t opset = 0;   // of the default ("" / "ai.onnx") domain
  int64_t batch = 0;   // the graph input's leading dimension; 0 when symbolic
  bool fold_batch_norm = true;
  FloatNetwork f;
  std::map<std::string, Value> values;
  std::map<std::string, Constant> constants;
  std::map<std::string, int> uses;  // readers of each tensor: node inputs and graph outputs
};

// One node being imported: its inputs, outputs and the messages that name it.
class Node {
 public:
  Node(Import& im, const onnx::NodeProto& p, int index) : im(im), p(p), index_(index) {}
  Import& im;
  const onnx::NodeProto& p;

  const std::string& op() const { return p.op_type(); }
  // `node "conv1" (Conv)`, or `node #3 (Conv)` when the node has no name.
  std::string label() const;
  [[noreturn]] void fail(const std::string& problem) const;

  // Input k is present (optional inputs may be missing or named "").
  bool has(int k) const;
  bool is_constant(int k) const;
  // Input k as a run-time tensor / as a constant; `role` names it in the error otherwise
  // ("W (the weights)").
  const Value& value(int k, const std::string& role) const;
  const Constant& constant(int k, const std::string& role) const;
  // Refuses inputs past `n` and present outputs past `outs` (e.g. MaxPool's Indices).
  void expect_io(int max_inputs, int max_outputs) const;

  // Appends `l` to the network (a unique IR name from the node's, input shape from l.inputs,
  // output shape inferred with the IR's own rules) and returns its index.
  int add_layer(Layer l, FloatLayerParams p) const;
  void set_output(const Value& v) const;  // output 0
  void set_output(const Constant& c) const;
  // A tensor read only by this node (not by others, not a graph output) may be fused into.
  bool sole_reader(int k) const;
  // The IR layer and its float parameters.
  Layer& layer(int i) const { return im.f.net.layers[size_t(i)]; }
  FloatLayerParams& params(int i) const { return im.f.params[size_t(i)]; }

 private:
  int index_;
};

// "[2, 3]"
std::string dims_str(const Dims& d);
int64_t element_count(const Dims& d);
// Per-sample ONNX dims -> IR shape: [C, H, W], [C, L] -> C x L x 1, [F] -> F x 1 x 1,
// [] -> 1 x 1 x 1. Fails (naming `n`) for more than 3 dimensions.
Shape ir_shape(const Node& n, const Dims& d, const std::string& what);

// A TensorProto's values (FLOAT, DOUBLE, INT32, INT64; raw or typed fields); InputError naming
// `where` and `what` for other types, external data or counts that do not match the dims.
Constant read_tensor(const onnx::TensorProto& t, const std::string& where, const std::string& what);

// The operator handlers (onnx_ops_*.cpp): false when `op` is not one of them.
bool import_compute_op(const Node& n);  // Conv, Gemm, MatMul, BatchNormalization, Add
bool import_layout_op(const Node& n);   // Relu, pools, Concat, Flatten, Reshape, Constant,
                                        // Transpose
bool import_recurrent_op(const Node& n);  // LSTM, GRU
// 1 when the graph input `name` is read as X by an LSTM/GRU node with layout = 0 ([T, N, I]),
// else 0; InputError when such a node and any other node both read it.
int graph_input_batch_axis(const Import& im, const onnx::GraphProto& g, const std::string& name);
// Every operator type the handlers take, for the "not supported" message.
extern const char* const kSupportedOps;
bool is_supported_op(const std::string& op);

}  // namespace shiftsim::quant::onnx_import
