// Reading, tokenising and splitting the fortunes corpus.
#include "quant/corpus.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <unordered_map>

#include "common/input_error.h"

namespace shiftsim::quant {

namespace {

bool word_char(unsigned char c) { return std::isalnum(c) || c == '\''; }

// The words of one line, PTB style.
void words_of(const std::string& line, std::vector<std::string>& out) {
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && !word_char((unsigned char)line[i])) ++i;
    size_t j = i;
    while (j < line.size() && word_char((unsigned char)line[j])) ++j;
    std::string w = line.substr(i, j - i);
    i = j;
    const size_t a = w.find_first_not_of('\''), b = w.find_last_not_of('\'');
    if (a == std::string::npos) continue;
    w = w.substr(a, b - a + 1);
    bool digit = false;
    for (char& c : w) {
      digit |= std::isdigit((unsigned char)c) != 0;
      c = char(std::tolower((unsigned char)c));
    }
    out.push_back(digit ? "N" : w);
  }
}

// Every text of every file, as words, in file-name order.
std::vector<std::vector<std::string>> read_texts(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw InputError(dir + ": not a directory (install the Debian package fortunes)");
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.find('.') == std::string::npos && e.is_regular_file()) files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::vector<std::string>> texts;
  for (const std::string& f : files) {
    std::ifstream in(f);
    if (!in) throw InputError(f + ": cannot read");
    std::vector<std::string> cur;
    std::string line;
    auto flush = [&] {
      if (!cur.empty()) texts.push_back(std::move(cur));
      cur.clear();
    };
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line == "%") flush();
      else words_of(line, cur);
    }
    flush();
  }
  if (texts.empty()) throw InputError(dir + ": no fortune text files (names without '.') with words");
  return texts;
}

}  // namespace

double Corpus::train_unk_rate() const {
  if (train.empty()) return 0;
  return double(std::count(train.begin(), train.end(), kUnkId)) / double(train.size());
}

Corpus load_corpus(const std::string& dir, int vocab_size) {
  if (vocab_size < 3)
    throw InputError("corpus " + dir + ": vocabulary size " + std::to_string(vocab_size) +
                     " must be >= 3 (<unk>, <eos> and at least one word)");
  const std::vector<std::vector<std::string>> texts = read_texts(dir);
  std::unordered_map<std::string, int64_t> counts;
  for (size_t k = 0; k < texts.size(); ++k)
    if (k % 20 >= 2)
      for (const std::string& w : texts[k]) ++counts[w];
  std::vector<std::pair<std::string, int64_t>> by_count(counts.begin(), counts.end());
  std::sort(by_count.begin(), by_count.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  Corpus c;
  c.texts = texts.size();
  c.vocab = {"<unk>", "<eos>"};
  std::unordered_map<std::string, int32_t> id;
  for (size_t i = 0; i < by_count.size() && int(c.vocab.size()) < vocab_size; ++i) {
    id[by_count[i].first] = int32_t(c.vocab.size());
    c.vocab.push_back(by_count[i].first);
  }
  for (size_t k = 0; k < texts.size(); ++k) {
    std::vector<int32_t>& split = k % 20 == 0 ? c.test : k % 20 == 1 ? c.valid : c.train;
    for (const std::string& w : texts[k]) {
      const auto it = id.find(w);
      split.push_back(it == id.end() ? kUnkId : it->second);
    }
    split.push_back(kEosId);
  }
  return c;
}

TokenWindows token_windows(const std::vector<int32_t>& ids, int steps, size_t limit) {
  if (steps < 1) throw InputError("token windows: steps must be >= 1");
  TokenWindows w;
  for (size_t s = 0; s + size_t(steps) + 1 <= ids.size(); s += size_t(steps)) {
    if (limit && w.inputs.size() == limit) break;
    Tensor<float> x(Shape{steps, 1, 1});
    std::vector<int32_t> y(static_cast<size_t>(steps));
    for (int t = 0; t < steps; ++t) {
      x.data[size_t(t)] = float(ids[s + size_t(t)]);
      y[size_t(t)] = ids[s + size_t(t) + 1];
    }
    w.inputs.push_back(std::move(x));
    w.targets.push_back(std::move(y));
  }
  return w;
}

}  // namespace shiftsim::quant
