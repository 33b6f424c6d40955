// The importer's shared helpers: naming nodes in messages, reading a node's inputs, appending IR
// layers with the IR's own shape rules.
#include <cctype>

#include "common/input_error.h"
#include "quant/onnx_context.h"
#include "quant/shape_inference.h"

namespace shiftsim::quant::onnx_import {

namespace {

// Layer names become file names and CSV fields (network_json.cpp's rule): keep A-Z a-z 0-9 _ . -,
// at most 128 characters, not starting with '.', not "input", unique.
std::string layer_name(const Node& n, int index, const Network& net) {
  std::string base = n.p.name();
  if (base.empty()) {
    for (char c : n.op()) base += char(std::tolower(static_cast<unsigned char>(c)));
    base += "_" + std::to_string(index);
  }
  for (char& c : base)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') c = '_';
  if (base[0] == '.') base[0] = '_';
  base = base.substr(0, 120);
  if (base == "input") base = "input_";
  std::string name = base;
  for (int k = 2; net.index_of(name) >= 0; ++k) name = base + "_" + std::to_string(k);
  return name;
}

}  // namespace

std::string dims_str(const Dims& d) {
  std::string s = "[";
  for (size_t k = 0; k < d.size(); ++k) s += (k ? ", " : "") + std::to_string(d[k]);
  return s + "]";
}

int64_t element_count(const Dims& d) {
  int64_t n = 1;
  for (int64_t x : d) n *= x;  // callers keep every dim in [0, 2^20] and at most 4 of them
  return n;
}

Shape ir_shape(const Node& n, const Dims& d, const std::string& what) {
  if (d.size() > 3)
    n.fail(what + " is " + dims_str(d) + " per sample: the IR holds at most [C, H, W]");
  return {int(d.size() > 0 ? d[0] : 1), int(d.size() > 1 ? d[1] : 1), int(d.size() > 2 ? d[2] : 1)};
}

std::string Node::label() const {
  return (p.name().empty() ? "node #" + std::to_string(index_) : "node \"" + p.name() + "\"") +
         " (" + p.op_type() + ")";
}

void Node::fail(const std::string& problem) const {
  throw InputError(im.where + ": " + label() + ": " + problem);
}

bool Node::has(int k) const { return k < p.input_size() && !p.input(k).empty(); }

bool Node::is_constant(int k) const { return has(k) && im.constants.count(p.input(k)) > 0; }

const Value& Node::value(int k, const std::string& role) const {
  if (!has(k)) fail("input " + role + " is missing");
  const auto it = im.values.find(p.input(k));
  if (it != im.values.end()) {
    if (it->second.batch_axis != 0 && op() != "LSTM" && op() != "GRU")
      fail("input " + role + " (\"" + p.input(k) + "\") is a time-major sequence (its batch on "
           "axis " + std::to_string(it->second.batch_axis) + ", as LSTM/GRU layout = 0 reads and "
           "writes them): shiftsim takes such a tensor only as X of LSTM/GRU or as the graph "
           "output");
    return it->second;
  }
  if (im.constants.count(p.input(k)))
    fail("input " + role + " (\"" + p.input(k) + "\") is a constant: the IR computes " + op() +
         " only on tensors computed from the network input");
  fail("input " + role + " (\"" + p.input(k) +
       "\") is neither the graph input, an initializer nor the output of an earlier node");
}

const Constant& Node::constant(int k, const std::string& role) const {
  if (!has(k)) fail("input " + role + " is missing");
  const auto it = im.constants.find(p.input(k));
  if (it != im.constants.end()) return it->second;
  if (im.values.count(p.input(k)))
    fail("input " + role + " (\"" + p.input(k) +
         "\") is computed at run time: the IR needs it as a constant (an initializer)");
  fail("input " + role + " (\"" + p.input(k) +
       "\") is neither the graph input, an initializer nor the output of an earlier node");
}

void Node::expect_io(int max_inputs, int max_outputs) const {
  for (int k = max_inputs; k < p.input_size(); ++k)
    if (!p.input(k).empty())
      fail("has " + std::to_string(p.input_size()) + " inputs, shiftsim reads at most " +
           std::to_string(max_inputs));
  if (p.output_size() < 1 || p.output(0).empty()) fail("has no output");
  for (int k = max_outputs; k < p.output_size(); ++k)
    if (!p.output(k).empty())
      fail("output " + std::to_string(k) + " (\"" + p.output(k) +
           "\") is not supported (only the first output is imported)");
}

int Node::add_layer(Layer l, FloatLayerParams prm) const {
  Network& net = im.f.net;
  l.name = layer_name(*this, index_, net);
  std::vector<Shape> in;
  for (int i : l.inputs)
    in.push_back(i == kNetworkInput ? net.input : net.layers[size_t(i)].out_shape);
  l.in_shape = in.at(0);
  const ShapeCheck c = infer_output_shape(l, in);
  if (!c.problem.empty())
    fail("the IR cannot hold it as a " + std::string(to_string(l.type)) + " layer: " +
         (c.key.empty() ? "" : c.key + ": ") + c.problem);
  l.out_shape = c.out;
  net.layers.push_back(l);
  im.f.params.push_back(std::move(prm));
  return int(net.layers.size()) - 1;
}

void Node::set_output(const Value& v) const {
  const std::string& name = p.output(0);
  if (im.values.count(name) || im.constants.count(name))
    fail("output \"" + name + "\" is already produced by another node or initializer");
  im.values[name] = v;
}

void Node::set_output(const Constant& c) const {
  const std::string& name = p.output(0);
  if (im.values.count(name) || im.constants.count(name))
    fail("output \"" + name + "\" is already produced by another node or initializer");
  im.constants[name] = c;
}

bool Node::sole_reader(int k) const {
  const auto it = im.uses.find(p.input(k));
  return has(k) && it != im.uses.end() && it->second == 1;
}

}  // namespace shiftsim::quant::onnx_import
