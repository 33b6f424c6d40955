#pragma once
// Shape rules of every layer type: given the shapes of a layer's inputs, check the layer's
// parameters against them and compute its output shape. Kept apart from JSON parsing so that
// other front ends (ONNX, tests) build networks with the same rules.
#include <string>
#include <vector>

#include "quant/network.h"

namespace shiftsim::quant {

// Result of checking one layer. `problem` is empty when the layer is valid; otherwise it says
// what is wrong, and `key` names the parameter at fault ("" when it is the layer as a whole).
struct ShapeCheck {
  Shape out;
  std::string key;
  std::string problem;
};

// `inputs` holds the shapes of l.inputs, in order (the caller has checked their number).
// For pools with `global` set by the caller, l.kernel must already equal the input height.
ShapeCheck infer_output_shape(const Layer& l, const std::vector<Shape>& inputs);

// floor((size + 2*pad - kernel) / stride) + 1, for a window that fits the padded input.
int sliding_output_size(int size, int kernel, int stride, int pad);

}  // namespace shiftsim::quant
