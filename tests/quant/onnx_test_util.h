#pragma once
// Helpers for the ONNX import tests: libonnx-testdata cases (model.onnx plus
// test_data_set_0/input_*.pb, output_*.pb) run through the importer and the float executor, and
// small models built in memory.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "quant/float_exec.h"
#include "quant/onnx_import.h"

namespace shiftsim::quant::test {

inline const std::string kOnnxData = "/usr/share/libonnx-testdata/data/";

// Reference comparison: |got - want| <= kAbsTol + kRelTol * |want| for every value. The
// executor accumulates in float in its own order and batch norm is folded in double, so exact
// equality is not expected; ONNX's own backend tests allow rtol 1e-3.
constexpr double kAbsTol = 1e-5, kRelTol = 1e-4;

template <class Proto>
Proto read_proto(const std::string& path) {
  Proto p;
  std::ifstream in(path, std::ios::binary);
  if (!in || !p.ParseFromIstream(&in)) throw std::runtime_error(path + ": cannot read");
  return p;
}

// A float TensorProto's values, decoded here rather than by the importer under test.
inline std::vector<float> floats_of(const onnx::TensorProto& t) {
  if (t.data_type() != onnx::TensorProto::FLOAT)
    throw std::runtime_error("reference tensor " + t.name() + " is not float");
  if (!t.has_raw_data()) return {t.float_data().begin(), t.float_data().end()};
  std::vector<float> v(t.raw_data().size() / 4);
  std::memcpy(v.data(), t.raw_data().data(), v.size() * 4);
  return v;
}

struct OnnxCase {
  std::string model_path;
  onnx::ModelProto model;
  onnx::TensorProto input;  // input_0: the network input
  onnx::TensorProto output;  // output_0
};

// Node tests pass weights as further graph inputs, their values in input_1.pb, ...; the IR's
// weights are constants, so those become initializers holding exactly the values the reference
// output was computed from.
inline OnnxCase load_case(const std::string& rel) {
  OnnxCase c;
  const std::string dir = kOnnxData + rel;
  c.model_path = dir + "/model.onnx";
  c.model = read_proto<onnx::ModelProto>(c.model_path);
  const std::string data = dir + "/test_data_set_0/";
  c.input = read_proto<onnx::TensorProto>(data + "input_0.pb");
  c.output = read_proto<onnx::TensorProto>(data + "output_0.pb");
  onnx::GraphProto& g = *c.model.mutable_graph();
  std::vector<std::string> runtime;
  for (const onnx::ValueInfoProto& v : g.input()) {
    bool init = false;
    for (const onnx::TensorProto& t : g.initializer()) init = init || t.name() == v.name();
    if (!init) runtime.push_back(v.name());
  }
  for (size_t k = 1; k < runtime.size(); ++k) {
    const std::string pb = data + "input_" + std::to_string(k) + ".pb";
    if (!std::filesystem::exists(pb)) continue;
    onnx::TensorProto* t = g.add_initializer();
    *t = read_proto<onnx::TensorProto>(pb);
    t->set_name(runtime[k]);
  }
  return c;
}

// Runs every sample of `input` (split along its first, batch, dimension) through the float
// executor and concatenates the network outputs, the layout of the reference output.
inline std::vector<float> run_batch(const FloatNetwork& f, const onnx::TensorProto& input) {
  const std::vector<float> x = floats_of(input);
  const size_t per = size_t(f.net.input.elements());
  if (per == 0 || x.size() % per != 0)
    throw std::runtime_error("input of " + std::to_string(x.size()) + " values does not split "
                             "into samples of " + f.net.input.str());
  std::vector<float> out;
  for (size_t at = 0; at < x.size(); at += per) {
    Tensor<float> s(f.net.input);
    std::copy(x.begin() + long(at), x.begin() + long(at + per), s.data.begin());
    const std::vector<float> y = run_float(f, s).back().data;
    out.insert(out.end(), y.begin(), y.end());
  }
  return out;
}

// "" when every value is within tolerance, else what differs first and how many.
inline std::string mismatch(const std::vector<float>& got, const std::vector<float>& want) {
  if (got.size() != want.size())
    return std::to_string(got.size()) + " values, reference " + std::to_string(want.size());
  size_t bad = 0;
  std::string first;
  for (size_t i = 0; i < got.size(); ++i) {
    const double err = std::fabs(double(got[i]) - double(want[i]));
    if (!(err <= kAbsTol + kRelTol * std::fabs(double(want[i])))) {
      if (bad++ == 0)
        first = "[" + std::to_string(i) + "] " + std::to_string(got[i]) + " vs " +
                std::to_string(want[i]);
    }
  }
  return bad == 0 ? "" : std::to_string(bad) + " of " + std::to_string(got.size()) +
                             " values differ, first " + first;
}

// Imports, runs and compares one testdata case: "" on agreement, else the reason.
inline std::string check_reference(const std::string& rel) {
  try {
    const OnnxCase c = load_case(rel);
    const FloatNetwork f = import_onnx_model(c.model, c.model_path);
    return mismatch(run_batch(f, c.input), floats_of(c.output));
  } catch (const std::exception& e) {
    return e.what();
  }
}

// Small models built in memory.
class OnnxBuilder {
 public:
  OnnxBuilder(const std::string& input, const std::vector<int64_t>& dims, int64_t opset = 13) {
    m_.set_ir_version(7);
    onnx::OperatorSetIdProto* o = m_.add_opset_import();
    o->set_domain("");
    o->set_version(opset);
    onnx::ValueInfoProto* v = g().add_input();
    v->set_name(input);
    v->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims)
      v->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(d);
  }
  onnx::GraphProto& g() { return *m_.mutable_graph(); }
  void init(const std::string& name, const std::vector<int64_t>& dims, const std::vector<float>& v) {
    onnx::TensorProto* t = g().add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) t->add_dims(d);
    for (float x : v) t->add_float_data(x);
  }
  void init_i64(const std::string& name, const std::vector<int64_t>& v) {
    onnx::TensorProto* t = g().add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(int64_t(v.size()));
    for (int64_t x : v) t->add_int64_data(x);
  }
  onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& in,
                        const std::string& out, const std::string& name = "") {
    onnx::NodeProto* n = g().add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (const std::string& s : in) n->add_input(s);
    n->add_output(out);
    return *n;
  }
  static void attr(onnx::NodeProto& n, const std::string& name, int64_t v) {
    onnx::AttributeProto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  static void attr(onnx::NodeProto& n, const std::string& name, const std::vector<int64_t>& v) {
    onnx::AttributeProto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
  }
  void output(const std::string& name) { g().add_output()->set_name(name); }
  const onnx::ModelProto& model() const { return m_; }
  void save(const std::string& path) const {
    std::ofstream out(path, std::ios::binary);
    m_.SerializeToOstream(&out);
  }

 private:
  onnx::ModelProto m_;
};

}  // namespace shiftsim::quant::test
