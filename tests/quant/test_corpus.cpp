// The language-modelling corpus: PTB-style words, fixed splits by text index, the vocabulary of
// the most frequent training words, windows and targets; and the installed fortunes corpus.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "quant/corpus.h"
#include "quant/sequence_task.h"
#include "quant_test_util.h"

using namespace shiftsim::quant;
using namespace shiftsim::quant::test;
using Catch::Matchers::Contains;

namespace {

// 40 texts in two files: text k is "X<k> common" with a word X<k> of letters of its own (and
// "Rare's 42!" in text 5).
std::string tiny_corpus(const TempDir& dir) {
  std::ofstream a(dir.path() + "/a"), b(dir.path() + "/b"), idx(dir.path() + "/a.dat");
  idx << "not text\n%\nnot text either\n";
  for (int k = 0; k < 40; ++k) {
    std::ofstream& f = k < 25 ? a : b;
    f << "X" << char('a' + k % 26) << char('a' + k / 26) << " common";
    if (k == 5) f << "\n  'Rare's 42!";
    f << "\n%\n";
  }
  return dir.path();
}

}  // namespace

TEST_CASE("corpus: words, splits and vocabulary as Penn TreeBank is prepared") {
  TempDir dir("corpus_tiny");
  const Corpus c = load_corpus(tiny_corpus(dir), 5);
  CHECK(c.texts == 40);
  // Texts 0, 20 -> test; 1, 21 -> valid; the rest train: each "xK common <eos>".
  CHECK(c.test.size() == 2 * 3);
  CHECK(c.valid.size() == 2 * 3);
  CHECK(c.train.size() == 36 * 3 + 2);  // text 5 adds "rare's" and "N"
  REQUIRE(c.vocab.size() == 5);
  CHECK(c.vocab[0] == "<unk>");
  CHECK(c.vocab[1] == "<eos>");
  CHECK(c.vocab[2] == "common");  // 36 times
  // Then ties at one: "N" (from 42), "rare's", "xaa", ... in byte order; two fit.
  CHECK(c.vocab[3] == "N");
  CHECK(c.vocab[4] == "rare's");
  CHECK(c.test == std::vector<int32_t>{kUnkId, 2, kEosId, kUnkId, 2, kEosId});
  CHECK(c.train_unk_rate() == Approx(36.0 / 110.0));
  CHECK_THAT(input_error_of([&] { load_corpus(dir.path(), 2); }), Contains("vocabulary size 2 must be >= 3"));
  CHECK_THAT(input_error_of([&] { load_corpus(dir.path() + "/none", 10); }), Contains("/none: not a directory"));
}

TEST_CASE("corpus: windows of T tokens with the next token as target") {
  const std::vector<int32_t> ids = {5, 6, 7, 8, 9, 10, 11};
  const TokenWindows w = token_windows(ids, 3);
  REQUIRE(w.inputs.size() == 2);  // 5 6 7 -> 6 7 8; 8 9 10 -> 9 10 11
  CHECK(w.inputs[1].shape == Shape{3, 1, 1});
  CHECK(w.inputs[1].data == std::vector<float>{8, 9, 10});
  CHECK(w.targets[1] == std::vector<int32_t>{9, 10, 11});
  CHECK(w.tokens() == 6);
  CHECK(token_windows(ids, 3, 1).inputs.size() == 1);
  const SequenceTask t = language_task(w);
  CHECK(t.kind == SequenceKind::language);
  CHECK(t.targets.size() == 2);
}

TEST_CASE("corpus: the installed fortunes text gives fixed, non-trivial splits") {
  const Corpus c = load_corpus(kFortunesDir, 5000);
  CHECK(c.vocab.size() == 5000);
  CHECK(c.train.size() > 300000);
  CHECK(c.valid.size() > 15000);
  CHECK(c.test.size() > 15000);
  CHECK(c.train_unk_rate() < 0.15);
  CHECK(c.vocab[2] == "the");
}
