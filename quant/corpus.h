#pragma once
// A word-level language-modelling corpus prepared as Penn TreeBank is (Mikolov's version): the
// text lower-cased, numbers written N, a vocabulary of the most frequent training words with
// every other word mapped to <unk>, and an <eos> token closing each text. The corpus shipped is
// the Debian `fortunes` package's English text (docs/QUANTIZATION.md, "Recurrent data").
#include <cstdint>
#include <string>
#include <vector>

#include "quant/tensor.h"

namespace shiftsim::quant {

constexpr const char* kFortunesDir = "/usr/share/games/fortunes";

// Token ids of the reserved words.
constexpr int32_t kUnkId = 0, kEosId = 1;

struct Corpus {
  std::vector<std::string> vocab;          // id -> word; "<unk>", "<eos>", then by frequency
  std::vector<int32_t> train, valid, test;  // the splits as token ids
  size_t texts = 0;                         // fortunes read, all splits
  double train_unk_rate() const;            // share of <unk> among the training tokens
};

// The files in `dir` whose names have no '.' (fortune's text files; the .dat indexes and .u8
// links are skipped), in name order. Each file is a list of texts separated by lines holding
// only "%". Text k (counted over all files in that order) goes to test when k % 20 == 0, to
// valid when k % 20 == 1, else to train: fixed splits of about 5%, 5% and 90%. Words: runs of
// ASCII letters, digits and apostrophes, lower-cased, apostrophes trimmed at both ends; a word
// with a digit becomes "N". The vocabulary: <unk>, <eos> and the vocab_size - 2 most frequent
// training words (ties in byte order). InputError naming the directory when it holds no text
// or vocab_size < 3.
Corpus load_corpus(const std::string& dir, int vocab_size);

// A split cut into non-overlapping windows of `steps` tokens, each the T x 1 x 1 input of a
// language model (ids as floats), with the next token of every step as its target. At most
// `limit` windows (0: all that fit).
struct TokenWindows {
  std::vector<Tensor<float>> inputs;
  std::vector<std::vector<int32_t>> targets;
  size_t tokens() const { return inputs.size() * (targets.empty() ? 0 : targets[0].size()); }
};
TokenWindows token_windows(const std::vector<int32_t>& ids, int steps, size_t limit = 0);

}  // namespace shiftsim::quant
