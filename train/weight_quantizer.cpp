#include "train/weight_quantizer.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/input_error.h"
#include "quant/fixed_point.h"
#include "quant/float_model.h"
#include "quant/pow2.h"

// quant/nbq.h and quant/gsnq.h are being written alongside train/; until both exist the
// power-of-two methods use quant/pow2.h's nearest-level quantizer as a stand-in.
#if __has_include("quant/nbq.h") && __has_include("quant/gsnq.h")
#define SHIFTSIM_HAVE_NBQ_GSNQ 1
#include "quant/gsnq.h"
#include "quant/nbq.h"
#else
#define SHIFTSIM_HAVE_NBQ_GSNQ 0
#endif

namespace shiftsim::train {

namespace {

std::vector<float> from_ints(const std::vector<int16_t>& ints, int frac) {
  std::vector<float> out(ints.size());
  for (size_t i = 0; i < ints.size(); ++i) out[i] = float(std::ldexp(double(ints[i]), -frac));
  return out;
}

#if !SHIFTSIM_HAVE_NBQ_GSNQ
std::vector<float> stand_in_pow2(const std::vector<float>& w, int bits) {
  quant::QuantizedWeights q = quant::quantize_pow2_weights(w, bits);
  return from_ints(q.values, q.frac);
}
#endif

}  // namespace

const char* to_string(Method m) {
  switch (m) {
    case Method::full: return "float";
    case Method::nbq: return "nbq";
    case Method::nbq_ste: return "nbq-ste";
    case Method::gsnq: return "gsnq";
    case Method::fixed: return "fixed";
  }
  return "?";
}

const char* to_string(Thresholds t) { return t == Thresholds::authors ? "authors" : "moments"; }

Method parse_method(const std::string& s) {
  for (Method m : {Method::full, Method::nbq, Method::nbq_ste, Method::gsnq, Method::fixed})
    if (s == to_string(m)) return m;
  throw InputError("--method: expected float, nbq, nbq-ste, gsnq or fixed, found \"" + s + "\"");
}

Thresholds parse_thresholds(const std::string& s) {
  if (s == "authors") return Thresholds::authors;
  if (s == "moments") return Thresholds::moments;
  throw InputError("--thresholds: expected authors or moments, found \"" + s + "\"");
}

void check_bits(const QuantSpec& spec) {
  if (spec.method == Method::full) return;
  const bool pow2 = spec.method != Method::fixed;
  const int lo = pow2 ? quant::kMinPow2Bits : 2, hi = pow2 ? quant::kMaxPow2Bits : 16;
  if (spec.bits < lo || spec.bits > hi)
    throw InputError(std::string("--bits: ") + to_string(spec.method) + " takes " +
                     std::to_string(lo) + ".." + std::to_string(hi) + " bits, found " +
                     std::to_string(spec.bits));
}

std::vector<float> quantize_layer(const std::vector<float>& w, const QuantSpec& spec) {
  switch (spec.method) {
    case Method::full: return w;
    case Method::fixed: {
      quant::QuantizedWeights q = quant::quantize_fixed_weights(w, spec.bits);
      return from_ints(q.values, q.frac);
    }
    case Method::nbq:
    case Method::nbq_ste:
#if SHIFTSIM_HAVE_NBQ_GSNQ
      return quant::nbq_quantize(w, spec.bits,
                                 spec.thresholds == Thresholds::authors
                                     ? quant::NbqThresholds::authors
                                     : quant::NbqThresholds::moments)
          .values;
#else
      return stand_in_pow2(w, spec.bits);
#endif
    case Method::gsnq:
#if SHIFTSIM_HAVE_NBQ_GSNQ
      return quant::gsnq_quantize(w, spec.bits).values;
#else
      return stand_in_pow2(w, spec.bits);
#endif
  }
  return w;
}

std::vector<uint8_t> partition_layer(const std::vector<float>& w, double fraction) {
#if SHIFTSIM_HAVE_NBQ_GSNQ
  return quant::gsnq_partition(w, fraction);
#else
  // The ceil(fraction * n) largest magnitudes; ties go to the lower index.
  std::vector<size_t> order(w.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return std::fabs(w[a]) > std::fabs(w[b]); });
  const size_t k = std::min(w.size(), size_t(std::ceil(fraction * double(w.size()) - 1e-9)));
  std::vector<uint8_t> mask(w.size(), 0);
  for (size_t i = 0; i < k; ++i) mask[order[i]] = 1;
  return mask;
#endif
}

bool using_stand_in_quantizers() { return !SHIFTSIM_HAVE_NBQ_GSNQ; }

void save_checkpoint(const std::string& path, const quant::FloatNetwork& f) {
  quant::save_float_network(path, f);
}

quant::FloatNetwork load_checkpoint(const std::string& path) {
  return quant::load_float_network(path);
}

}  // namespace shiftsim::train
