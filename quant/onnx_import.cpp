// ONNX model -> FloatNetwork: read and parse the file, find the graph's one run-time input (its
// first dimension the batch), import the nodes in order (the handlers in onnx_ops_*.cpp), then
// check the result with the same rules as a float checkpoint (JSON round trip, parameter counts,
// finite values).
#include "quant/onnx_import.h"

#include <filesystem>

#include "common/input_error.h"
#include "common/input_file.h"
#include "quant/float_model.h"
#include "quant/network_json_write.h"
#include "quant/onnx_context.h"

namespace shiftsim::quant {

namespace {

using namespace onnx_import;

int64_t default_opset(const onnx::ModelProto& m, const std::string& where) {
  for (const onnx::OperatorSetIdProto& o : m.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") return o.version();
  throw InputError(where + ": no opset_import for the ONNX operator set (truncated file, or "
                           "not an ONNX model?)");
}

// The graph's one input that no initializer feeds: [N, ...] float32, N the batch (any value or
// symbolic), at most [C, H, W] per sample.
void read_graph_input(Import& im, const onnx::GraphProto& g) {
  std::vector<const onnx::ValueInfoProto*> inputs;
  std::string names;
  for (const onnx::ValueInfoProto& v : g.input())
    if (!im.constants.count(v.name())) {
      inputs.push_back(&v);
      names += (names.empty() ? "" : ", ") + v.name();
    }
  if (inputs.size() != 1)
    throw InputError(im.where + ": the graph has " + std::to_string(inputs.size()) +
                     " run-time inputs (" + names + "); the IR has one network input, and "
                     "weights must be initializers");
  const onnx::ValueInfoProto& v = *inputs[0];
  const std::string at = im.where + ": graph input \"" + v.name() + "\": ";
  if (!v.type().has_tensor_type()) throw InputError(at + "not a tensor");
  const onnx::TypeProto::Tensor& t = v.type().tensor_type();
  if (t.elem_type() != onnx::TensorProto::FLOAT)
    throw InputError(at + "element type " +
                     (onnx::TensorProto::DataType_IsValid(t.elem_type())
                          ? onnx::TensorProto::DataType_Name(onnx::TensorProto::DataType(t.elem_type()))
                          : std::to_string(t.elem_type())) +
                     "; shiftsim imports float32 models");
  if (!t.has_shape() || t.shape().dim_size() < 1)
    throw InputError(at + "no shape; expected [N, C, H, W] (or [N, C, L], [N, F])");
  const auto& dims = t.shape().dim();
  const int batch_axis = graph_input_batch_axis(im, g, v.name());
  if (batch_axis >= dims.size())
    throw InputError(at + "has " + std::to_string(dims.size()) + " dimensions; LSTM/GRU with "
                     "layout = 0 read it as [T, N, I]");
  const auto& batch = dims[batch_axis];
  if (batch.has_dim_value() && batch.dim_value() < 1)
    throw InputError(at + "batch dimension " + std::to_string(batch.dim_value()));
  im.batch = batch.has_dim_value() ? batch.dim_value() : 0;
  if (im.batch > (int64_t(1) << 20)) throw InputError(at + "batch beyond 2^20");
  Dims per;
  for (int k = 0; k < dims.size(); ++k) {
    if (k == batch_axis) continue;
    if (!dims[k].has_dim_value() || dims[k].dim_value() < 1 || dims[k].dim_value() > (1 << 20))
      throw InputError(at + "dimension " + std::to_string(k) + " must be a fixed size in [1, 2^20]" +
                       (dims[k].has_dim_param() ? ", found \"" + dims[k].dim_param() + "\"" : ""));
    per.push_back(dims[k].dim_value());
  }
  if (per.size() > 3)
    throw InputError(at + "is " + dims_str(per) + " per sample: the IR holds at most [C, H, W]");
  im.f.net.input = {int(per.size() > 0 ? per[0] : 1), int(per.size() > 1 ? per[1] : 1),
                    int(per.size() > 2 ? per[2] : 1)};
  im.values[v.name()] = Value{kNetworkInput, per, false, batch_axis};
}

void import_graph(Import& im, const onnx::ModelProto& m) {
  if (!m.has_graph()) throw InputError(im.where + ": no graph (truncated file, or not an ONNX model?)");
  im.opset = default_opset(m, im.where);
  const onnx::GraphProto& g = m.graph();
  if (g.node_size() == 0) throw InputError(im.where + ": the graph has no nodes");
  // Operators first, so that an unsupported one is what the message names.
  for (int i = 0; i < g.node_size(); ++i) {
    const Node n(im, g.node(i), i);
    if (!n.p.domain().empty() && n.p.domain() != "ai.onnx")
      n.fail("operator domain \"" + n.p.domain() + "\" is not supported (only the ONNX operators)");
    if (!is_supported_op(n.op()))
      n.fail("operator " + n.op() + " is not supported; shiftsim imports " + kSupportedOps);
  }
  for (const onnx::TensorProto& t : g.initializer()) {
    if (t.name().empty() || im.constants.count(t.name()))
      throw InputError(im.where + ": initializer \"" + t.name() + "\": empty or duplicate name");
    im.constants[t.name()] = read_tensor(t, im.where, "initializer \"" + t.name() + "\"");
  }
  read_graph_input(im, g);
  for (const onnx::NodeProto& p : g.node())
    for (const std::string& in : p.input())
      if (!in.empty()) ++im.uses[in];
  for (const onnx::ValueInfoProto& v : g.output()) ++im.uses[v.name()];

  for (int i = 0; i < g.node_size(); ++i) {
    const Node n(im, g.node(i), i);
    if (!import_compute_op(n) && !import_layout_op(n) && !import_recurrent_op(n)) n.fail("operator " + n.op() + " has no handler");
  }
  // After the nodes, so that a node's own refusal (e.g. training-mode outputs) is what is named.
  if (g.output_size() != 1)
    throw InputError(im.where + ": the graph has " + std::to_string(g.output_size()) +
                     " outputs; the IR's network has one (its last layer)");

  const std::string& out = g.output(0).name();
  const auto it = im.values.find(out);
  if (it == im.values.end())
    throw InputError(im.where + ": graph output \"" + out + "\" is " +
                     (im.constants.count(out) ? "a constant" : "not produced by any node"));
  const Network& net = im.f.net;
  if (it->second.layer == kNetworkInput || net.layers.empty())
    throw InputError(im.where + ": graph output \"" + out + "\" is the input reshaped; there is "
                     "no layer to run");
  if (it->second.layer != int(net.layers.size()) - 1)
    throw InputError(im.where + ": graph output \"" + out + "\" is layer " +
                     net.layers[size_t(it->second.layer)].name + ", but layers that do not feed "
                     "it follow; the IR's output is its last layer");
}

}  // namespace

FloatNetwork import_onnx_model(const onnx::ModelProto& model, const std::string& where,
                               const OnnxImportOptions& options) {
  Import im;
  im.where = where;
  im.fold_batch_norm = options.fold_batch_norm;
  try {
    import_graph(im, model);
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {  // a bug, but still a message, not a crash
    throw InputError(where + ": ONNX import failed: " + e.what());
  }
  FloatNetwork& f = im.f;
  f.net.name = std::filesystem::path(where).stem().string();
  if (f.net.name.empty()) f.net.name = "onnx";
  // What a float checkpoint must satisfy: the JSON checker's rules and the parameter counts.
  f.net = parse_network(network_to_json(f.net), where);
  check_float_network(f, where);
  return f;
}

FloatNetwork import_onnx(const std::string& path, const OnnxImportOptions& options) {
  // The size limit is also protobuf's (2 GiB - 1).
  const std::string bytes = read_input_file(path, "ONNX model", kMaxModelFileBytes);
  if (bytes.empty()) throw InputError(path + ": empty file, not an ONNX model");
  onnx::ModelProto m;
  if (!m.ParseFromString(bytes))
    throw InputError(path + ": not a valid ONNX model (the protobuf does not parse: truncated "
                            "or corrupted)");
  return import_onnx_model(m, path, options);
}

}  // namespace shiftsim::quant
