#include "quant/eval.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <thread>

#include "common/input_error.h"
#include "quant/fixed_point.h"
#include "quant/float_exec.h"
#include "quant/golden.h"
#include "quant/image_input.h"

namespace shiftsim::quant {

namespace {

// predict(i) for images [0, n) on `threads` threads; counts predictions equal to the label.
EvalResult count_correct(const ImageSet& set, size_t limit, int threads,
                         const std::function<int(size_t)>& predict) {
  EvalResult r;
  r.total = limit ? std::min(limit, set.count()) : set.count();
  std::atomic<size_t> next{0}, correct{0};
  std::exception_ptr failure;
  std::atomic<bool> failed{false};
  auto work = [&] {
    try {
      for (size_t i; !failed && (i = next.fetch_add(1)) < r.total;)
        if (predict(i) == int(set.labels[i])) correct.fetch_add(1);
    } catch (...) {
      if (!failed.exchange(true)) failure = std::current_exception();
    }
  };
  const int n = std::max(1, std::min<int>(threads, int(r.total / 64) + 1));
  std::vector<std::thread> pool;
  for (int t = 1; t < n; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
  r.correct = correct;
  return r;
}

}  // namespace

void check_classifier(const Network& net, const ImageSet& set) {
  const Shape want{1, set.rows, set.cols};
  if (net.input != want)
    throw InputError("network " + net.name + ": input " + net.input.str() + ", but the images are " +
                     want.str());
  int classes = 0;
  for (uint8_t l : set.labels) classes = std::max(classes, int(l) + 1);
  const int64_t outputs = net.layers.empty() ? 0 : net.layers.back().out_shape.elements();
  if (outputs < classes)
    throw InputError("network " + net.name + ": last layer " +
                     (net.layers.empty() ? std::string("?") : net.layers.back().name) + " has " +
                     std::to_string(outputs) + " outputs for " + std::to_string(classes) +
                     " classes");
}

EvalResult evaluate_quantized(const QuantizedNetwork& qn, const ImageSet& set, size_t limit,
                              int threads) {
  check_classifier(qn.net, set);
  return count_correct(set, limit, threads, [&](size_t i) {
    const Tensor<int16_t> x = quantize_input(image_to_input(set, i), qn.input);
    return argmax(run_golden(qn, x).outputs.back().data);
  });
}

EvalResult evaluate_float(const FloatNetwork& f, const ImageSet& set, size_t limit, int threads) {
  check_classifier(f.net, set);
  return count_correct(set, limit, threads, [&](size_t i) {
    return argmax(run_float(f, image_to_input(set, i)).back().data);
  });
}

}  // namespace shiftsim::quant
