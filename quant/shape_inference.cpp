#include "quant/shape_inference.h"

#include <cstdint>

namespace shiftsim::quant {

namespace {

// Largest tensor we agree to describe: element counts and flattened lengths fit an int.
constexpr int64_t kMaxElements = INT32_MAX;

ShapeCheck ok(Shape s) {
  if (s.elements() > kMaxElements)
    return {s, "", "output " + s.str() + " has more than 2^31 - 1 elements"};
  return {s, "", ""};
}

ShapeCheck bad(const std::string& key, const std::string& problem) { return {{}, key, problem}; }

std::string hw(int h, int w) { return std::to_string(h) + "x" + std::to_string(w); }

// conv, maxpool and avgpool slide a square window over the padded input.
ShapeCheck sliding_window(const Layer& l, const Shape& in, int out_c) {
  int ph = in.h + 2 * l.pad, pw = in.w + 2 * l.pad;
  if (l.kernel > ph || l.kernel > pw)
    return bad("", "kernel " + std::to_string(l.kernel) + " is larger than the padded input " +
                       hw(ph, pw));
  return ok({out_c, sliding_output_size(in.h, l.kernel, l.stride, l.pad),
             sliding_output_size(in.w, l.kernel, l.stride, l.pad)});
}

ShapeCheck conv(const Layer& l, const Shape& in) {
  if (in.c % l.groups != 0)
    return bad("groups", "groups " + std::to_string(l.groups) + " does not divide the " +
                             std::to_string(in.c) + " input channels");
  if (l.out_channels % l.groups != 0)
    return bad("groups", "groups " + std::to_string(l.groups) + " does not divide the " +
                             std::to_string(l.out_channels) + " output channels");
  // Weights live in memory several times over (float, quantized, DRAM image): keep one layer's
  // below 2^31 values.
  // In double: the int64 product of four factors up to 2^20 and more could overflow.
  const double weights = double(l.out_channels) * (in.c / l.groups) * l.kernel * l.kernel;
  if (weights > double(kMaxElements)) {
    const std::string count = weights < 9e18 ? std::to_string(int64_t(weights)) : "over 9e18";
    return bad("", count + " weights: more than 2^31 - 1 in one layer");
  }
  return sliding_window(l, in, l.out_channels);
}

ShapeCheck add(const std::vector<Shape>& in) {
  if (in[0] != in[1])
    return bad("inputs", "add needs equal shapes, found " + in[0].str() + " and " + in[1].str());
  return ok(in[0]);
}

ShapeCheck concat(const std::vector<Shape>& in) {
  int64_t channels = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i].h != in[0].h || in[i].w != in[0].w)
      return bad("inputs", "concat needs equal height and width, input " + std::to_string(i) +
                               " is " + in[i].str() + " but input 0 is " + in[0].str());
    channels += in[i].c;
  }
  if (channels > kMaxElements) return bad("inputs", "concat has too many channels");
  return ok({int(channels), in[0].h, in[0].w});
}

// lstm/gru: T x F x 1 in, F = H*W of the input; the parameter count must stay describable.
ShapeCheck recurrent(const Layer& l, const Shape& in) {
  const RecurrentSpec& r = l.rnn;
  if (r.hidden_size < 1)
    return bad("hidden_size", "must be >= 1, found " + std::to_string(r.hidden_size));
  const int64_t features = int64_t(in.h) * in.w;
  if (r.input_size != features)
    return bad("input_size", std::to_string(r.input_size) + " does not match the input's " +
                                 std::to_string(features) + " features per step (input " +
                                 in.str() + ": steps x features)");
  if (r.linear_before_reset && l.type != LayerType::gru)
    return bad("linear_before_reset", "is a gru setting; this layer is " +
                                          std::string(to_string(l.type)));
  if (r.peepholes && l.type != LayerType::lstm)
    return bad("peepholes", "is an lstm setting; this layer is " + std::string(to_string(l.type)));
  const int64_t weights =
      int64_t(gate_count(l.type)) * r.hidden_size * (int64_t(r.input_size) + r.hidden_size);
  if (weights > kMaxElements)
    return bad("hidden_size", std::to_string(weights) + " weights: more than 2^31 - 1 in one layer");
  return r.sequence_output ? ok({in.c, r.hidden_size, 1}) : ok({r.hidden_size, 1, 1});
}

ShapeCheck embedding(const Layer& l, const Shape& in) {
  if (in.h != 1 || in.w != 1)
    return bad("inputs", "embedding reads one token id per step (T x 1 x 1), found " + in.str());
  if (l.vocab_size < 1) return bad("vocab_size", "must be >= 1, found " + std::to_string(l.vocab_size));
  if (l.out_channels < 1) return bad("dim", "must be >= 1, found " + std::to_string(l.out_channels));
  if (int64_t(l.vocab_size) * l.out_channels > kMaxElements)
    return bad("", std::to_string(int64_t(l.vocab_size) * l.out_channels) +
                       " weights: more than 2^31 - 1 in one layer");
  return ok({in.c, l.out_channels, 1});
}

}  // namespace

int sliding_output_size(int size, int kernel, int stride, int pad) {
  return (size + 2 * pad - kernel) / stride + 1;
}

ShapeCheck infer_output_shape(const Layer& l, const std::vector<Shape>& inputs) {
  const Shape& in = inputs.at(0);
  switch (l.type) {
    case LayerType::conv: return conv(l, in);
    case LayerType::fc:
      if (l.per_step) {
        if (int64_t(l.out_channels) * in.h * in.w > kMaxElements)
          return bad("out_features", "more than 2^31 - 1 weights in one layer");
        return ok({in.c, l.out_channels, 1});
      }
      if (int64_t(l.out_channels) * in.elements() > kMaxElements)
        return bad("out_features", std::to_string(int64_t(l.out_channels) * in.elements()) +
                                       " weights: more than 2^31 - 1 in one layer");
      return ok({l.out_channels, 1, 1});
    case LayerType::maxpool:
    case LayerType::avgpool: return sliding_window(l, in, in.c);
    case LayerType::relu: return ok(in);
    case LayerType::flatten: return ok({int(in.elements()), 1, 1});
    case LayerType::add: return add(inputs);
    case LayerType::concat: return concat(inputs);
    case LayerType::lstm:
    case LayerType::gru: return recurrent(l, in);
    case LayerType::embedding: return embedding(l, in);
  }
  return bad("type", "unhandled layer type");
}

}  // namespace shiftsim::quant
