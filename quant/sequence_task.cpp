// Scoring sequence networks, float and golden, on a few threads.
#include "quant/sequence_task.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <thread>

#include "common/input_error.h"
#include "quant/float_exec.h"
#include "quant/image_input.h"
#include "quant/recurrent_golden.h"

namespace shiftsim::quant {

namespace {

// Sums over a task's samples: correct answers or negative log-likelihood, and their count.
struct Partial {
  double correct = 0, nll = 0;
  size_t samples = 0;
};

// Adds the score of one output (the network's last layer, flattened) for sample k.
void score_output(const std::vector<float>& out, const SequenceTask& task, size_t k, Partial& p) {
  if (task.kind == SequenceKind::classify) {
    const int label = task.labels[k];
    if (label < 0 || size_t(label) >= out.size())
      throw InputError("sequence score: label " + std::to_string(label) + " of sample " +
                       std::to_string(k) + " is beyond the network's " +
                       std::to_string(out.size()) + " outputs");
    const size_t best = size_t(std::max_element(out.begin(), out.end()) - out.begin());
    p.correct += best == size_t(label);
    p.samples += 1;
    return;
  }
  const std::vector<int32_t>& y = task.targets[k];
  if (y.empty() || out.size() % y.size() != 0)
    throw InputError("sequence score: the network's " + std::to_string(out.size()) +
                     " outputs are not one row per step of " + std::to_string(y.size()));
  const size_t V = out.size() / y.size();
  for (size_t t = 0; t < y.size(); ++t) {
    const float* row = out.data() + t * V;
    if (y[t] < 0 || size_t(y[t]) >= V)
      throw InputError("sequence score: token " + std::to_string(y[t]) + " is beyond the network's " +
                       std::to_string(V) + " outputs per step");
    const double m = *std::max_element(row, row + V);
    double z = 0;
    for (size_t v = 0; v < V; ++v) z += std::exp(double(row[v]) - m);
    p.nll += m + std::log(z) - double(row[y[t]]);
  }
  p.samples += y.size();
}

// Runs `one(k, partial)` over the samples split into `threads` contiguous parts, summed in order
// so that the result does not depend on scheduling.
SequenceScore over_samples(const SequenceTask& task, int threads,
                           const std::function<void(size_t, Partial&)>& one) {
  const size_t n = task.inputs.size();
  if (n == 0) throw InputError("sequence score: the task has no samples");
  const size_t parts = size_t(std::clamp(threads, 1, 64));
  std::vector<Partial> sums(parts);
  std::vector<std::exception_ptr> errors(parts);
  std::vector<std::thread> pool;
  for (size_t w = 0; w < parts; ++w)
    pool.emplace_back([&, w] {
      try {
        for (size_t k = n * w / parts; k < n * (w + 1) / parts; ++k) one(k, sums[w]);
      } catch (...) {
        errors[w] = std::current_exception();
      }
    });
  for (std::thread& t : pool) t.join();
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
  Partial all;
  for (const Partial& p : sums) all.correct += p.correct, all.nll += p.nll, all.samples += p.samples;
  SequenceScore s;
  s.kind = task.kind;
  s.samples = all.samples;
  if (task.kind == SequenceKind::classify) s.accuracy = all.correct / double(all.samples);
  else s.perplexity = std::exp(all.nll / double(all.samples));
  return s;
}

}  // namespace

SequenceTask image_rows_task(const ImageSet& set, size_t first, size_t count) {
  if (first + count > set.count())
    throw InputError("image rows: images " + std::to_string(first) + ".." +
                     std::to_string(first + count) + " of a set of " + std::to_string(set.count()));
  SequenceTask t;
  for (size_t i = first; i < first + count; ++i) {
    Tensor<float> x = image_to_input(set, i);
    x.shape = Shape{set.rows, set.cols, 1};  // the same row-major data: row t is step t
    t.inputs.push_back(std::move(x));
    t.labels.push_back(set.labels[i]);
  }
  return t;
}

SequenceTask language_task(TokenWindows w) {
  SequenceTask t;
  t.kind = SequenceKind::language;
  t.inputs = std::move(w.inputs);
  t.targets = std::move(w.targets);
  return t;
}

SequenceScore score_float(const FloatNetwork& f, const SequenceTask& task, int threads) {
  return over_samples(task, threads, [&](size_t k, Partial& p) {
    score_output(run_float(f, task.inputs[k]).back().data, task, k, p);
  });
}

SequenceScore score_quantized(const RecurrentQuantizedNetwork& qn, const SequenceTask& task,
                              int threads) {
  check_recurrent_network(qn, qn.net.name);
  return over_samples(task, threads, [&](size_t k, Partial& p) {
    const RecurrentGoldenRun run =
        run_recurrent_golden(qn, quantize_sequence_input(task.inputs[k], qn.input));
    score_output(dequantize(run.outputs.back(), qn.layers.back().out), task, k, p);
  });
}

RecurrentLoss task_loss(const SequenceScore& float_score, const SequenceTask& task, int threads) {
  return [float_score, &task, threads](const RecurrentQuantizedNetwork& qn) {
    const SequenceScore s = score_quantized(qn, task, threads);
    return task.kind == SequenceKind::classify ? float_score.accuracy - s.accuracy
                                               : s.perplexity / float_score.perplexity - 1.0;
  };
}

std::vector<Tensor<float>> first_inputs(const SequenceTask& task, size_t count) {
  count = std::min(count, task.inputs.size());
  return {task.inputs.begin(), task.inputs.begin() + long(count)};
}

}  // namespace shiftsim::quant
