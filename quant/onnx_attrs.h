#pragma once
// Internal to the ONNX importer: typed access to a node's attributes, and the sliding window
// (kernel_shape, strides, pads, auto_pad, dilations, ceil_mode) of Conv and the pools resolved
// to the IR's square kernel, single stride and equal padding, or refused with the value.
#include <initializer_list>
#include <string>
#include <vector>

#include "quant/onnx_context.h"

namespace shiftsim::quant::onnx_import {

class Attrs {
 public:
  // Refuses any attribute not named in `known`: an attribute we do not read could change the
  // result, so ignoring it silently could import a different network.
  Attrs(const Node& n, std::initializer_list<const char*> known);
  bool has(const char* name) const;
  // The attribute, or `def` when absent; a value of another type is refused.
  int64_t i(const char* name, int64_t def) const;
  double f(const char* name, double def) const;
  std::string s(const char* name, const std::string& def) const;
  Dims ints(const char* name, const Dims& def) const;
  std::vector<double> floats(const char* name) const;
  std::vector<std::string> strings(const char* name) const;  // empty when absent
  const onnx::TensorProto* tensor(const char* name) const;  // nullptr when absent
  // "attribute NAME = VALUE: problem"
  [[noreturn]] void fail(const char* name, const std::string& problem) const;

 private:
  const onnx::AttributeProto* find(const char* name, onnx::AttributeProto::AttributeType t) const;
  const Node& n_;
};

struct Window {
  int kernel = 1, stride = 1, pad = 0;
};

// The window of a Conv (`pool` false) or a MaxPool/AveragePool (`pool` true) over a per-sample
// input [C, H, W]; `kh`, `kw` from the weights (Conv) or kernel_shape (pools). Refuses a
// non-square kernel, unequal strides, dilations != 1, padding that is not the same on all four
// sides (also when auto_pad SAME_* produces it), and ceil_mode = 1 when it changes the output size.
Window resolve_window(const Node& n, const Attrs& a, const Dims& chw, int64_t kh, int64_t kw,
                      bool pool);

}  // namespace shiftsim::quant::onnx_import
