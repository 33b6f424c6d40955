#include "quant/sequence_data.h"

#include <algorithm>

#include "common/input_error.h"

namespace shiftsim::quant {

const char* to_string(SequenceSplit s) {
  switch (s) {
    case SequenceSplit::train: return "train";
    case SequenceSplit::valid: return "valid";
    case SequenceSplit::test: return "test";
  }
  return "?";
}

bool is_language_model(const Network& net) {
  return !net.layers.empty() && net.layers[0].type == LayerType::embedding;
}

Corpus corpus_for(const Network& net, const SequenceDataOptions& o) {
  if (!is_language_model(net))
    throw InputError("network " + net.name + ": a language model starts with an embedding layer");
  return load_corpus(o.corpus_dir, net.layers[0].vocab_size);
}

SequenceTask sequence_task(const Network& net, SequenceSplit split, size_t limit,
                           const SequenceDataOptions& o) {
  if (is_language_model(net)) {
    if (net.input.h != 1 || net.input.w != 1)
      throw InputError("network " + net.name + ": a language model takes T x 1 x 1 token ids, not " +
                       net.input.str());
    const Corpus c = corpus_for(net, o);
    const std::vector<int32_t>& ids = split == SequenceSplit::train ? c.train
                                      : split == SequenceSplit::valid ? c.valid : c.test;
    return language_task(token_windows(ids, net.input.c, limit));
  }
  if (net.input.c != 28 || net.input.h != 28 || net.input.w != 1)
    throw InputError("network " + net.name + ": input " + net.input.str() +
                     " is neither token ids (an embedding first) nor Fashion-MNIST rows (28x28x1)");
  const ImageSet set = load_fashion_mnist(split == SequenceSplit::test ? "test" : "train", 0, o.fashion_dir);
  size_t first = 0, count = set.count();
  if (split == SequenceSplit::train) count -= kRowValidImages;
  if (split == SequenceSplit::valid) first = count - kRowValidImages, count = kRowValidImages;
  if (limit) count = std::min(count, limit);
  return image_rows_task(set, first, count);
}

}  // namespace shiftsim::quant
