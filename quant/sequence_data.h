#pragma once
// The data a sequence network is trained and measured on, chosen by the network's shape:
//   - a first layer that is an embedding: a language model on the fortunes corpus (corpus.h),
//     vocabulary = the embedding's vocab_size, windows of the input's T steps;
//   - otherwise a row-by-row classifier of Fashion-MNIST: the input must be 28 x 28 x 1.
// Splits: train, valid (held out of training: the language model's valid split; for the
// classifier the last 5,000 training images, which sequence training leaves out), test.
#include <cstddef>
#include <string>

#include "quant/corpus.h"
#include "quant/idx.h"
#include "quant/network.h"
#include "quant/sequence_task.h"

namespace shiftsim::quant {

enum class SequenceSplit { train, valid, test };
const char* to_string(SequenceSplit s);

// Fashion-MNIST training images kept for the valid split.
constexpr size_t kRowValidImages = 5000;

struct SequenceDataOptions {
  std::string fashion_dir = kFashionMnistDir;
  std::string corpus_dir = kFortunesDir;
};

bool is_language_model(const Network& net);

// At most `limit` samples (0: all) of the split: images, or windows of T tokens. InputError
// naming the network when it fits neither task.
SequenceTask sequence_task(const Network& net, SequenceSplit split, size_t limit,
                           const SequenceDataOptions& o);

// The corpus a language model reads (vocabulary from its embedding).
Corpus corpus_for(const Network& net, const SequenceDataOptions& o);

}  // namespace shiftsim::quant
