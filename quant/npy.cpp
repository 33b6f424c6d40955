#include "quant/npy.h"

#include <cfloat>
#include <cmath>
#include <cstring>
#include <sstream>

#include "common/atomic_file.h"
#include "common/input_error.h"
#include "common/input_file.h"
#include "quant/fixed_point.h"
#include "quant/int_arith.h"
#include "quant/npy_header.h"

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

// float64 values beyond float's range become its largest finite value, so that they are counted
// as saturated below rather than turning into infinities (converting them is undefined).
float narrow(double d) {
  if (std::isfinite(d) && std::fabs(d) > double(FLT_MAX)) return std::copysign(FLT_MAX, float(d));
  return float(d);
}

std::string number_text(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

// NaN and infinities have no code in a fixed-point format: refused, all of them counted.
void refuse_non_finite(const std::string& path, const std::vector<float>& values) {
  uint64_t nan = 0, inf = 0;
  size_t first = values.size();
  for (size_t i = 0; i < values.size(); ++i) {
    if (std::isfinite(values[i])) continue;
    (std::isnan(values[i]) ? nan : inf) += 1;
    if (first == values.size()) first = i;
  }
  if (first == values.size()) return;
  fail(path, std::to_string(nan + inf) + " of " + std::to_string(values.size()) + " values are not finite (" +
                 std::to_string(nan) + " NaN, " + std::to_string(inf) + " infinite; first at index " +
                 std::to_string(first) + ": " + number_text(values[first]) +
                 "): a fixed-point input has no code for them");
}

// Finite values beyond the input format's range, which quantization saturates.
InputConversion count_saturated(const std::vector<float>& values, FixedFormat fmt) {
  InputConversion c;
  c.values = values.size();
  const double scale = std::ldexp(1.0, fmt.frac);
  c.lo = double(min_of_bits(fmt.bits)) / scale;
  c.hi = double(max_of_bits(fmt.bits)) / scale;
  for (size_t i = 0; i < values.size(); ++i) {
    const double r = round_half_away(double(values[i]) * scale);
    if (r <= double(max_of_bits(fmt.bits)) && r >= double(min_of_bits(fmt.bits))) continue;
    if (c.saturated++ == 0) {
      c.first_saturated = i;
      c.first_value = values[i];
    }
  }
  return c;
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

std::string InputConversion::warning(const std::string& path) const {
  if (saturated == 0) return "";
  return path + ": " + std::to_string(saturated) + " of " + std::to_string(values) +
         " values lie outside the input format's range [" + number_text(lo) + ", " + number_text(hi) +
         "] and were saturated to it (first at index " + std::to_string(first_saturated) + ": " +
         number_text(first_value) + ")";
}

NpyArray read_npy(const std::string& path) {
  // The header first: a file that is not a .npy, or whose shape does not match its size, is
  // refused before its data is read.
  InputFile file(path, ".npy file", kMaxNpyFileBytes);
  std::string head = file.read(kNpyPrefixBytes);
  const size_t header_end = npy_header_end(path, head);
  if (header_end > head.size()) head += file.read(header_end - head.size());
  const NpyHeader h = parse_npy_header(path, head);
  if (h.fortran) fail(path, "Fortran-order arrays are not supported (save with C order)");
  size_t item = 0;
  if (h.descr == "<f4") item = 4;
  else if (h.descr == "<f8") item = 8;
  else if (h.descr == "<i2") item = 2;
  else fail(path, "unsupported dtype '" + h.descr + "' (expected '<f4', '<f8' or '<i2')");
  // Checked before each product, which could otherwise overflow (dimensions go up to 2^40).
  constexpr int64_t kMaxCount = int64_t(1) << 40;
  int64_t count = 1;
  for (int64_t d : h.shape) {
    if (d != 0 && count > kMaxCount / d) fail(path, "shape " + shape_text(h.shape) + " is too large");
    count *= d;
  }
  const uint64_t have = file.size() - h.data_offset, need = uint64_t(count) * item;
  if (have != need)
    fail(path, "shape " + shape_text(h.shape) + " needs " + std::to_string(need) +
                   " data bytes, file has " + std::to_string(have));
  const std::string data = file.read_rest();
  if (data.size() != need) fail(path, "the file changed while being read");
  NpyArray a;
  a.shape = h.shape;
  if (h.descr == "<i2") {
    a.kind = NpyKind::int16;
    a.ints = payload<int16_t>(data, 0, size_t(count));
  } else if (h.descr == "<f4") {
    a.floats = payload<float>(data, 0, size_t(count));
  } else {
    for (double d : payload<double>(data, 0, size_t(count))) a.floats.push_back(narrow(d));
  }
  return a;
}

Tensor<int16_t> read_input_npy(const std::string& path, Shape expected, FixedFormat fmt,
                               InputConversion* conversion) {
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
  refuse_non_finite(path, a.floats);
  if (conversion) *conversion = count_saturated(a.floats, fmt);
  Tensor<float> x(expected);
  x.data = std::move(a.floats);
  try {
    return quantize_input(x, fmt);
  } catch (const InputError& e) {
    fail(path, e.what());
  }
}

}  // namespace shiftsim::quant
