#pragma once
// Float training of sequence networks (train/sequence_net.h): a row-by-row image classifier
// (cross entropy on the last layer's outputs) or a word-level language model (cross entropy of
// every step's next token). Adam with a cosine learning-rate decay to zero, gradient-norm
// clipping, optional dropout on embedding and recurrent outputs during training. No Torch in this
// header; docs/TRAINING.md, "Sequence networks", gives the recipe and measured figures.
#include <cstdint>
#include <ostream>
#include <vector>

#include "quant/sequence_task.h"
#include "quant/weights_gen.h"

namespace shiftsim::train {

struct SequenceTrainOptions {
  int epochs = 5;
  int batch = 64;
  double lr = 2e-3;
  double weight_decay = 0;  // L2 added to the gradient
  double clip = 1.0;        // max gradient norm; 0: none
  double dropout = 0;       // 0..0.9
  uint64_t seed = 1;
  int threads = 2;
  int64_t max_steps = 0;    // > 0: stop after this many mini-batches (tests)
  std::ostream* log = nullptr;  // one line per epoch
};

struct SequenceEpoch {
  int epoch = 0;
  double loss = 0;     // mean training loss
  double metric = -1;  // accuracy (0..1) or perplexity on the evaluation task; -1: not measured
  double seconds = 0;  // training time of the epoch
};

struct SequenceTrainResult {
  quant::FloatNetwork net;
  std::vector<SequenceEpoch> epochs;
  int64_t steps = 0;
  double seconds = 0;
};

// InputError for options out of range, a task that does not fit the network (input shape,
// label or token beyond the outputs) or an empty task. `eval` may be null. Deterministic given
// the options and the thread count.
SequenceTrainResult train_sequence(const quant::FloatNetwork& init, const quant::SequenceTask& train,
                                   const quant::SequenceTask* eval, const SequenceTrainOptions& o);

// Accuracy (0..1) or perplexity of `f` on `task`, computed with Torch (fast; the same equations
// as quant::score_float, which uses the float executor).
double torch_score(const quant::FloatNetwork& f, const quant::SequenceTask& task, int threads = 2);

}  // namespace shiftsim::train
