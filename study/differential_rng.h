#pragma once
// The draws of the differential test's case generator. std::mt19937_64 is fully specified but
// the standard distributions are not, so with them one seed would name different cases on
// different standard libraries; these mappings are integer-only and ours.
#include <cstdint>
#include <random>
#include <vector>

namespace shiftsim::sim {

class CaseRng {
 public:
  explicit CaseRng(uint64_t seed) : gen_(seed) {}

  // Uniform in [lo, hi] (lo <= hi).
  int uniform(int lo, int hi) {
    const uint64_t span = uint64_t(int64_t(hi) - lo) + 1;
    return int(int64_t(lo) + int64_t((static_cast<unsigned __int128>(gen_()) * span) >> 64));
  }

  // True with probability percent / 100.
  bool chance(int percent) { return uniform(0, 99) < percent; }

  // Every octave of [lo, hi] (1, 2-3, 4-7, ...) equally likely, uniform inside it: small sizes
  // as often as large ones, so that most cases stay cheap and the large ones still come.
  int log_uniform(int lo, int hi) {
    const int top = bit_length(hi);
    const int octave = uniform(bit_length(lo), top);
    const int from = octave == 0 ? 0 : 1 << (octave - 1);
    const int to = octave == 0 ? 0 : (1 << octave) - 1;
    return uniform(from < lo ? lo : from, to > hi ? hi : to);
  }

  template <class T>
  const T& pick(const std::vector<T>& options) {
    return options[size_t(uniform(0, int(options.size()) - 1))];
  }

 private:
  static int bit_length(int x) {
    int n = 0;
    while (x >> n) ++n;
    return n;
  }
  std::mt19937_64 gen_;
};

}  // namespace shiftsim::sim
