#pragma once
// What a sequence network is measured on, and the measure: top-1 accuracy of a classifier
// (Fashion-MNIST read row by row) or word perplexity of a language model (corpus.h windows),
// through the float forward pass or the golden integer executor. The same code scores both, so
// "float against quantized" compares like with like.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "quant/corpus.h"
#include "quant/idx.h"
#include "quant/recurrent_qnetwork.h"
#include "quant/recurrent_search.h"
#include "quant/weights_gen.h"

namespace shiftsim::quant {

enum class SequenceKind { classify, language };

struct SequenceTask {
  SequenceKind kind = SequenceKind::classify;
  std::vector<Tensor<float>> inputs;
  std::vector<int> labels;                    // classify: one per input
  std::vector<std::vector<int32_t>> targets;  // language: the next token of every step
};

// Images [first, first + count) of `set` as T x F x 1 sequences: step t is image row t, its
// features the row's pixels with image_input.h's scaling (rows x cols x 1).
SequenceTask image_rows_task(const ImageSet& set, size_t first, size_t count);
SequenceTask language_task(TokenWindows w);

struct SequenceScore {
  SequenceKind kind = SequenceKind::classify;
  double accuracy = 0;    // classify: 0..1
  double perplexity = 0;  // language: exp(mean negative log-likelihood per token)
  size_t samples = 0;     // images or tokens
};

// InputError when the network's output does not fit the task (classify: as many outputs as
// classes seen in the labels, at least; language: T x V with V > every target).
SequenceScore score_float(const FloatNetwork& f, const SequenceTask& task, int threads = 2);
SequenceScore score_quantized(const RecurrentQuantizedNetwork& qn, const SequenceTask& task,
                              int threads = 2);

// The search's loss on `task` measured against the float network's score: accuracy lost (a
// fraction, 0.01 = one point) or relative perplexity gained (0.03 = 3%). The loss refers to
// `task`, which must outlive it.
RecurrentLoss task_loss(const SequenceScore& float_score, const SequenceTask& task, int threads = 2);

// The first `count` inputs of a task (calibration sets).
std::vector<Tensor<float>> first_inputs(const SequenceTask& task, size_t count);

}  // namespace shiftsim::quant
