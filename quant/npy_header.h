#pragma once
// The header of a .npy file, read as strictly as NumPy's format specification
// (numpy.lib.format): a Python dict literal with exactly the keys 'descr', 'fortran_order' and
// 'shape', each once, padded with spaces and ended by one newline. Anything else (a key twice,
// which NumPy would resolve silently by taking the last, garbage in the padding, a shape that is
// not a tuple of non-negative integers) is an InputError naming the file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace shiftsim::quant {

struct NpyHeader {
  std::string descr;
  bool fortran = false;
  std::vector<int64_t> shape;
  size_t data_offset = 0;  // where the array's bytes start
};

// The first bytes a reader needs to know the header's length.
constexpr size_t kNpyPrefixBytes = 12;

// Where the header ends (= where the data starts), from the file's first kNpyPrefixBytes (or
// all of it when shorter): checks the magic and the version.
size_t npy_header_end(const std::string& path, const std::string& prefix);

// `bytes` is the file's start, up to npy_header_end at least; `path` names it in errors.
NpyHeader parse_npy_header(const std::string& path, const std::string& bytes);

}  // namespace shiftsim::quant
