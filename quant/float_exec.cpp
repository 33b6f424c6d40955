#include "quant/float_exec.h"

#include <algorithm>
#include <stdexcept>

#include "common/input_error.h"
#include "quant/float_model.h"
#include "quant/float_recurrent.h"

namespace shiftsim::quant {

namespace {

void fused_relu(Tensor<float>& t, bool relu) {
  if (relu)
    for (float& v : t.data) v = std::max(v, 0.0f);
}

// Per group: the input patches transposed, cols[r][p] (r = c * K * K + ky * K + kx, p = output
// pixel; zero where the window is in the padding), then out[m] += w[m][r] * cols[r] over all
// pixels: long unit-stride loops that the compiler vectorises.
Tensor<float> conv(const Layer& l, const FloatLayerParams& p, const Tensor<float>& in) {
  const Shape is = in.shape, os = l.out_shape;
  const int K = l.kernel, S = l.stride, P = l.pad;
  const int cin = is.c / l.groups, mpg = os.c / l.groups;
  const size_t pixels = size_t(os.h) * os.w, rows = size_t(cin) * K * K;
  Tensor<float> out(os);
  std::vector<float> cols(rows * pixels);
  for (int g = 0; g < l.groups; ++g) {
    for (int c = 0; c < cin; ++c)
      for (int ky = 0; ky < K; ++ky)
        for (int kx = 0; kx < K; ++kx) {
          float* dst = &cols[((size_t(c) * K + ky) * K + kx) * pixels];
          // Output columns whose input column ox * S + kx - P lies inside the row.
          const int ox0 = std::min(os.w, std::max(0, (P - kx + S - 1) / S));
          const int ox1 = is.w - 1 + P - kx < 0 ? 0 : std::min(os.w, (is.w - 1 + P - kx) / S + 1);
          const float* plane = &in.data[size_t(g * cin + c) * is.h * is.w];
          for (int oy = 0; oy < os.h; ++oy, dst += os.w) {
            const int iy = oy * S + ky - P;
            if (iy < 0 || iy >= is.h || ox1 <= ox0) {
              std::fill(dst, dst + os.w, 0.0f);
              continue;
            }
            const float* row = plane + size_t(iy) * is.w;
            std::fill(dst, dst + ox0, 0.0f);
            for (int ox = ox0; ox < ox1; ++ox) dst[ox] = row[ox * S + kx - P];
            std::fill(dst + ox1, dst + os.w, 0.0f);
          }
        }
    for (int m = g * mpg; m < (g + 1) * mpg; ++m) {
      float* o = &out.data[size_t(m) * pixels];
      std::fill(o, o + pixels, p.bias[size_t(m)]);
      const float* w = &p.weights[size_t(m) * rows];
      for (size_t r = 0; r < rows; ++r) {
        const float wr = w[r];
        const float* src = &cols[r * pixels];
        for (size_t q = 0; q < pixels; ++q) o[q] += wr * src[q];
      }
    }
  }
  fused_relu(out, l.relu);
  return out;
}

// A per-step fc runs the same weights over each of the T rows of its input.
Tensor<float> fc(const Layer& l, const FloatLayerParams& p, const Tensor<float>& in) {
  const size_t steps = l.per_step ? size_t(in.shape.c) : 1, n = in.data.size() / steps;
  Tensor<float> out(l.out_shape);
  for (size_t t = 0; t < steps; ++t) {
    const float* x = &in.data[t * n];
    for (int m = 0; m < l.out_channels; ++m) {
      const float* w = &p.weights[size_t(m) * n];
      float acc[8] = {};
      size_t i = 0;
      for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; ++k) acc[k] += w[i + k] * x[i + k];
      float s = p.bias[size_t(m)];
      for (; i < n; ++i) s += w[i] * x[i];
      for (float a : acc) s += a;
      out.data[t * size_t(l.out_channels) + size_t(m)] = s;
    }
  }
  fused_relu(out, l.relu);
  return out;
}

Tensor<float> pool(const Layer& l, const Tensor<float>& in, bool max) {
  const Shape is = in.shape, os = l.out_shape;
  Tensor<float> out(os);
  for (int c = 0; c < os.c; ++c)
    for (int oy = 0; oy < os.h; ++oy)
      for (int ox = 0; ox < os.w; ++ox) {
        float best = 0, sum = 0;
        bool any = false;
        for (int ky = 0; ky < l.kernel; ++ky)
          for (int kx = 0; kx < l.kernel; ++kx) {
            const int iy = oy * l.stride + ky - l.pad, ix = ox * l.stride + kx - l.pad;
            if (iy < 0 || iy >= is.h || ix < 0 || ix >= is.w) continue;
            const float v = in.at(c, iy, ix);
            best = any ? std::max(best, v) : v;
            any = true;
            sum += v;
          }
        out.at(c, oy, ox) = max ? best : sum / float(l.kernel * l.kernel);
      }
  return out;
}

}  // namespace

Tensor<float> run_float_layer(const Layer& l, const FloatLayerParams& p,
                              const std::vector<const Tensor<float>*>& inputs) {
  const Tensor<float>& a = *inputs.at(0);
  switch (l.type) {
    case LayerType::conv: return conv(l, p, a);
    case LayerType::fc: return fc(l, p, a);
    case LayerType::maxpool: return pool(l, a, true);
    case LayerType::avgpool: return pool(l, a, false);
    case LayerType::add: {
      Tensor<float> out = a;
      const Tensor<float>& b = *inputs.at(1);
      for (size_t i = 0; i < out.data.size(); ++i) out.data[i] += b.data[i];
      fused_relu(out, l.relu);
      return out;
    }
    case LayerType::concat: {
      Tensor<float> out(l.out_shape);
      size_t at = 0;
      for (const Tensor<float>* t : inputs) {
        std::copy(t->data.begin(), t->data.end(), out.data.begin() + long(at));
        at += t->data.size();
      }
      return out;
    }
    case LayerType::relu: {
      Tensor<float> out = a;
      fused_relu(out, true);
      return out;
    }
    case LayerType::flatten: {
      Tensor<float> out = a;
      out.shape = l.out_shape;
      return out;
    }
    case LayerType::lstm:
    case LayerType::gru: return run_float_recurrent(l, p, a);
    case LayerType::embedding: return run_float_embedding(l, p, a);
  }
  throw std::logic_error("run_float_layer: unhandled layer type");
}

std::vector<Tensor<float>> run_float(const FloatNetwork& f, const Tensor<float>& input) {
  if (input.shape != f.net.input)
    throw InputError("float forward pass: input is " + input.shape.str() + ", network " +
                     f.net.name + " expects " + f.net.input.str());
  if (f.params.size() != f.net.layers.size()) check_float_network(f, f.net.name);
  std::vector<Tensor<float>> outs;
  outs.reserve(f.net.layers.size());
  for (size_t i = 0; i < f.net.layers.size(); ++i) {
    const Layer& l = f.net.layers[i];
    if (int64_t(f.params[i].weights.size()) != weight_count(l) ||
        int64_t(f.params[i].bias.size()) != bias_count(l))
      check_float_network(f, f.net.name);  // throws, naming the layer
    std::vector<const Tensor<float>*> in;
    for (int k : l.inputs) in.push_back(k == kNetworkInput ? &input : &outs[size_t(k)]);
    outs.push_back(run_float_layer(l, f.params[i], in));
  }
  return outs;
}

}  // namespace shiftsim::quant
