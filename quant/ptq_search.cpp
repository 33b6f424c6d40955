// The greedy per-tensor bit-width search of ptq.h.
#include <algorithm>
#include <map>
#include <numeric>

#include "common/input_error.h"
#include "quant/eval.h"
#include "quant/pow2.h"
#include "quant/ptq.h"

namespace shiftsim::quant {

namespace {

struct Search {
  const FloatNetwork& f;
  const std::vector<Tensor<float>>& calib;
  const ImageSet& set;
  size_t limit;
  const BitSearchOptions& s;
  double target = 0;
  int evaluations = 0;
  std::map<std::pair<std::vector<int>, int>, double> seen;

  PtqOptions options(const PtqOptions& base, const std::vector<int>& bits, int act) const {
    PtqOptions o = base;
    o.layer_weight_bits = bits;
    o.act_bits = act;
    return o;
  }
  double accuracy(const PtqOptions& base, const std::vector<int>& bits, int act) {
    const auto key = std::make_pair(bits, act);
    auto it = seen.find(key);
    if (it != seen.end()) return it->second;
    ++evaluations;
    const QuantizedNetwork qn = quantize_ptq(f, options(base, bits, act), calib);
    const double a = evaluate_quantized(qn, set, limit, s.threads).accuracy();
    seen[key] = a;
    return a;
  }
  // Smallest v in [lo, hi] with pass(v), given pass(hi); binary search.
  template <class Pass>
  int smallest(int lo, int hi, Pass pass) {
    while (lo < hi) {
      const int mid = lo + (hi - lo) / 2;
      if (pass(mid)) hi = mid;
      else lo = mid + 1;
    }
    return hi;
  }
};

}  // namespace

BitSearchResult search_bit_widths(const FloatNetwork& f, const PtqOptions& base,
                                  const std::vector<Tensor<float>>& calib,
                                  const ImageSet& eval_set, size_t eval_limit,
                                  const BitSearchOptions& s) {
  check_ptq_options(base, f.net);
  if (s.min_bits < 2 || s.max_bits > 16 || s.min_bits > s.max_bits)
    throw InputError("bit-width search: bits must satisfy 2 <= min <= max <= 16, found " +
                     std::to_string(s.min_bits) + ".." + std::to_string(s.max_bits));
  if (!(s.tolerance >= 0))
    throw InputError("bit-width search: tolerance must be >= 0");
  Search search{f, calib, eval_set, eval_limit, s, 0.0, 0, {}};
  BitSearchResult r;
  r.float_accuracy = evaluate_float(f, eval_set, eval_limit, s.threads).accuracy();
  search.target = r.float_accuracy - s.tolerance;

  const size_t n = f.net.layers.size();
  std::vector<int> bits(n, 0), lo(n, 0);
  std::vector<size_t> order;
  for (size_t i = 0; i < n; ++i) {
    const LayerType t = f.net.layers[i].type;
    if (t != LayerType::conv && t != LayerType::fc) continue;
    // The widest format of this layer's kind (fixed: 16, power of two: 5) within the options.
    const bool fixed = layer_weight_format(f.net, i, base).first == WeightKind::fixed;
    bits[i] = std::min(s.max_bits, fixed ? 16 : kMaxPow2Bits);
    lo[i] = std::max(s.min_bits, fixed ? 2 : kMinPow2Bits);
    if (lo[i] > bits[i]) throw InputError("bit-width search: no width of layer " + f.net.layers[i].name + " lies in the range");
    order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return weight_count(f.net.layers[a]) > weight_count(f.net.layers[b]);
  });
  int act = std::min(base.act_bits, s.max_bits);
  auto passes = [&](const std::vector<int>& b, int a) {
    return search.accuracy(base, b, a) >= search.target;
  };
  r.met = passes(bits, act);
  if (r.met) {
    for (size_t i : order)
      bits[i] = search.smallest(lo[i], bits[i], [&](int v) {
        std::vector<int> trial = bits;
        trial[i] = v;
        return passes(trial, act);
      });
    if (s.activations)
      act = search.smallest(std::max(2, s.min_bits), act, [&](int v) { return passes(bits, v); });
  }
  r.weight_bits = bits;
  r.act_bits = act;
  r.qn = quantize_ptq(f, search.options(base, bits, act), calib);
  r.accuracy = search.accuracy(base, bits, act);
  r.footprint = memory_footprint(r.qn);
  r.evaluations = search.evaluations;
  return r;
}

}  // namespace shiftsim::quant
