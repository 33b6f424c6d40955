#include "quant/npy.h"

#include "common/atomic_file.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <regex>

#include "common/input_error.h"
#include "quant/fixed_point.h"
#include "quant/int_arith.h"

namespace shiftsim::quant {

namespace {

const char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;

[[noreturn]] void fail(const std::string& path, const std::string& message) {
  throw InputError(path + ": " + message);
}

// ---- writing ----

std::string header_for(const char* descr, const Shape& s) {
  std::string dict = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (" +
                     std::to_string(s.c) + ", " + std::to_string(s.h) + ", " +
                     std::to_string(s.w) + "), }";
  // Magic (6) + version (2) + length (2) + dict + padding + '\n' is a multiple of 64 bytes.
  size_t total = kMagicLen + 4 + dict.size() + 1;
  dict.append((64 - total % 64) % 64, ' ');
  dict += '\n';
  std::string h(kMagic, kMagicLen);
  h += '\x01';
  h += '\x00';
  h += char(dict.size() & 0xff);
  h += char(dict.size() >> 8);
  return h + dict;
}

template <class T>
void write_atomically(const std::string& path, const char* descr, const Tensor<T>& t) {
  std::string bytes = header_for(descr, t.shape);
  bytes.append(reinterpret_cast<const char*>(t.data.data()), t.data.size() * sizeof(T));
  write_file_atomic(path, bytes);
}

// ---- reading ----

struct NpyHeader {
  std::string descr;
  bool fortran = false;
  std::vector<int64_t> shape;
  size_t data_offset = 0;
};

std::vector<int64_t> parse_shape(const std::string& path, const std::string& text) {
  std::vector<int64_t> shape;
  std::regex dim(R"(\s*(\d{1,10})\s*)");
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::smatch m;
    if (std::regex_match(item, m, dim)) {
      shape.push_back(std::stoll(m[1]));
    } else if (item.find_first_not_of(" \t") != std::string::npos) {
      fail(path, "bad shape in .npy header: (" + text + ")");
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return shape;
}

NpyHeader parse_header(const std::string& path, const std::string& bytes) {
  if (bytes.size() < kMagicLen + 4 || bytes.compare(0, kMagicLen, kMagic, kMagicLen) != 0)
    fail(path, "not a .npy file (bad magic)");
  const auto byte = [&](size_t i) { return size_t(uint8_t(bytes[i])); };
  const int major = int(byte(6));
  size_t len = 0, offset = 0;
  if (major == 1) {
    len = byte(8) | byte(9) << 8;
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) fail(path, "truncated .npy header");
    len = byte(8) | byte(9) << 8 | byte(10) << 16 | byte(11) << 24;
    offset = 12;
  } else {
    fail(path, "unsupported .npy version " + std::to_string(major));
  }
  if (bytes.size() < offset + len) fail(path, "truncated .npy header");
  const std::string dict = bytes.substr(offset, len);
  NpyHeader h;
  h.data_offset = offset + len;
  std::smatch m;
  if (!std::regex_search(dict, m, std::regex(R"(['"]descr['"]\s*:\s*['"]([^'"]*)['"])")))
    fail(path, "no 'descr' in .npy header");
  h.descr = m[1];
  if (!std::regex_search(dict, m, std::regex(R"(['"]fortran_order['"]\s*:\s*(True|False))")))
    fail(path, "no 'fortran_order' in .npy header");
  h.fortran = m[1] == "True";
  if (!std::regex_search(dict, m, std::regex(R"(['"]shape['"]\s*:\s*\(([^)]*)\))")))
    fail(path, "no 'shape' in .npy header");
  h.shape = parse_shape(path, m[1]);
  return h;
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

template <class T>
std::vector<T> payload(const std::string& bytes, size_t offset, size_t count) {
  std::vector<T> v(count);
  std::memcpy(v.data(), bytes.data() + offset, count * sizeof(T));
  return v;
}

std::vector<int64_t> strip_leading_ones(std::vector<int64_t> s) {
  size_t k = 0;
  while (k < s.size() && s[k] == 1) ++k;
  return std::vector<int64_t>(s.begin() + long(k), s.end());
}

}  // namespace

void write_npy(const std::string& path, const Tensor<int16_t>& t) { write_atomically(path, "<i2", t); }
void write_npy(const std::string& path, const Tensor<int32_t>& t) { write_atomically(path, "<i4", t); }
void write_npy(const std::string& path, const Tensor<float>& t) { write_atomically(path, "<f4", t); }

NpyArray read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open file");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const NpyHeader h = parse_header(path, bytes);
  if (h.fortran) fail(path, "Fortran-order arrays are not supported (save with C order)");
  size_t item = 0;
  if (h.descr == "<f4") item = 4;
  else if (h.descr == "<f8") item = 8;
  else if (h.descr == "<i2") item = 2;
  else fail(path, "unsupported dtype '" + h.descr + "' (expected '<f4', '<f8' or '<i2')");
  int64_t count = 1;
  for (int64_t d : h.shape) {
    count *= d;
    if (count > (int64_t(1) << 40)) fail(path, "shape " + shape_text(h.shape) + " is too large");
  }
  const size_t have = bytes.size() - h.data_offset, need = size_t(count) * item;
  if (have != need)
    fail(path, "shape " + shape_text(h.shape) + " needs " + std::to_string(need) +
                   " data bytes, file has " + std::to_string(have));
  NpyArray a;
  a.shape = h.shape;
  if (h.descr == "<i2") {
    a.kind = NpyKind::int16;
    a.ints = payload<int16_t>(bytes, h.data_offset, size_t(count));
  } else if (h.descr == "<f4") {
    a.floats = payload<float>(bytes, h.data_offset, size_t(count));
  } else {
    for (double d : payload<double>(bytes, h.data_offset, size_t(count))) a.floats.push_back(float(d));
  }
  return a;
}

Tensor<int16_t> read_input_npy(const std::string& path, Shape expected, FixedFormat fmt) {
  NpyArray a = read_npy(path);
  if (strip_leading_ones(a.shape) != strip_leading_ones({expected.c, expected.h, expected.w}))
    fail(path, "shape " + shape_text(a.shape) + " does not match the network input " +
                   expected.str());
  if (a.kind == NpyKind::int16) {
    Tensor<int16_t> t(expected);
    for (size_t i = 0; i < a.ints.size(); ++i) {
      if (a.ints[i] != clamp_to_bits(a.ints[i], fmt.bits))
        fail(path, "value " + std::to_string(a.ints[i]) + " at index " + std::to_string(i) +
                       " does not fit " + std::to_string(fmt.bits) + " bits");
      t.data[i] = a.ints[i];
    }
    return t;
  }
  Tensor<float> x(expected);
  x.data = std::move(a.floats);
  try {
    return quantize_input(x, fmt);
  } catch (const InputError& e) {
    fail(path, e.what());
  }
}

}  // namespace shiftsim::quant
