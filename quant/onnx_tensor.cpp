// TensorProto -> Constant. Weights arrive either in the typed repeated fields or as raw
// little-endian bytes (what exporters write); both are read, every count checked against the
// dims before any value is copied.
#include <cstring>

#include "common/input_error.h"
#include "quant/onnx_context.h"

namespace shiftsim::quant::onnx_import {

namespace {

using TP = onnx::TensorProto;

std::string type_name(int t) {
  return TP::DataType_IsValid(t) ? TP::DataType_Name(TP::DataType(t)) : "type " + std::to_string(t);
}

// The raw bytes as `n` values of T (the host is little-endian like the format: x86, arm64).
template <class T>
void from_raw(const std::string& raw, size_t n, std::vector<double>& out) {
  for (size_t k = 0; k < n; ++k) {
    T x;
    std::memcpy(&x, raw.data() + k * sizeof(T), sizeof(T));
    out.push_back(double(x));
  }
}

}  // namespace

Constant read_tensor(const TP& t, const std::string& where, const std::string& what) {
  const std::string at = where + ": " + what + ": ";
  if (t.data_location() == TP::EXTERNAL)
    throw InputError(at + "stored in an external data file; shiftsim reads self-contained .onnx "
                          "files only");
  if (t.has_segment()) throw InputError(at + "segmented tensors are not supported");
  Constant c;
  for (int64_t d : t.dims()) {
    // 2^20 per dimension (the IR's own limit) and a 2^31 total keep every product in range.
    if (d < 0 || d > (int64_t(1) << 20))
      throw InputError(at + "dimension " + std::to_string(d) + " outside [0, 2^20]");
    c.dims.push_back(d);
  }
  if (c.dims.size() > 6) throw InputError(at + "more than 6 dimensions");
  int64_t n = 1;
  for (int64_t d : c.dims) {
    n *= d;
    if (n > INT32_MAX) throw InputError(at + "more than 2^31 - 1 values");
  }
  const size_t count = size_t(n);
  size_t width = 0, typed = 0;
  switch (t.data_type()) {
    case TP::FLOAT: width = 4; typed = size_t(t.float_data_size()); break;
    case TP::DOUBLE: width = 8; typed = size_t(t.double_data_size()); break;
    case TP::INT32: width = 4; typed = size_t(t.int32_data_size()); break;
    case TP::INT64: width = 8; typed = size_t(t.int64_data_size()); break;
    default:
      throw InputError(at + "data type " + type_name(t.data_type()) +
                       " is not supported (FLOAT, DOUBLE, INT32, INT64)");
  }
  c.v.reserve(count);
  if (t.has_raw_data()) {
    if (t.raw_data().size() != count * width)
      throw InputError(at + "holds " + std::to_string(t.raw_data().size()) + " bytes, " +
                       dims_str(c.dims) + " " + type_name(t.data_type()) + " needs " +
                       std::to_string(count * width) + " (truncated or corrupted)");
    switch (t.data_type()) {
      case TP::FLOAT: from_raw<float>(t.raw_data(), count, c.v); break;
      case TP::DOUBLE: from_raw<double>(t.raw_data(), count, c.v); break;
      case TP::INT32: from_raw<int32_t>(t.raw_data(), count, c.v); break;
      default: from_raw<int64_t>(t.raw_data(), count, c.v); break;
    }
    return c;
  }
  if (typed != count)
    throw InputError(at + "holds " + std::to_string(typed) + " values, " + dims_str(c.dims) +
                     " needs " + std::to_string(count) + " (truncated or corrupted)");
  switch (t.data_type()) {
    case TP::FLOAT: c.v.assign(t.float_data().begin(), t.float_data().end()); break;
    case TP::DOUBLE: c.v.assign(t.double_data().begin(), t.double_data().end()); break;
    case TP::INT32: c.v.assign(t.int32_data().begin(), t.int32_data().end()); break;
    default:
      for (int64_t x : t.int64_data()) c.v.push_back(double(x));
      break;
  }
  return c;
}

}  // namespace shiftsim::quant::onnx_import
