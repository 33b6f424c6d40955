// .npy writing (exact bytes, atomic) and reading (dtypes, versions, damaged files).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <fstream>
#include <iterator>

#include "quant/npy.h"
#include "quant_test_util.h"

using namespace shiftsim::quant;
using namespace shiftsim::quant::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {
std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
// A .npy file with any header text, version 1 or 2.
std::string npy_bytes(const std::string& dict, const std::string& data, int version = 1) {
  std::string h = dict + "\n";
  std::string out("\x93NUMPY", 6);
  out += char(version);
  out += '\0';
  const size_t n = h.size();
  out += char(n & 0xff);
  out += char(n >> 8);
  if (version >= 2) out += std::string(2, '\0');
  return out + h + data;
}
template <class T>
std::string raw(std::vector<T> v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}
}  // namespace

TEST_CASE("npy: int16 file bytes follow the format exactly") {
  const TempDir tmp("npy_bytes");
  const std::string& dir = tmp.path();
  Tensor<int16_t> t(Shape{1, 1, 2});
  t.data = {1, -2};
  write_npy(dir + "/t.npy", t);
  const std::string dict = "{'descr': '<i2', 'fortran_order': False, 'shape': (1, 1, 2), }";
  const std::string want = std::string("\x93NUMPY\x01\x00\x76\x00", 10) + dict + std::string(55, ' ') +
                           "\n" + std::string("\x01\x00\xfe\xff", 4);
  CHECK(file_text(dir + "/t.npy") == want);  // header padded to 128 bytes
  CHECK_FALSE(fs::exists(dir + "/t.npy.tmp"));
}

TEST_CASE("npy: round trips") {
  const TempDir tmp("npy_round");
  const std::string& dir = tmp.path();
  Tensor<int16_t> t(Shape{3, 4, 5});
  for (size_t i = 0; i < t.data.size(); ++i) t.data[i] = int16_t(int(i * 997) % 65536 - 32768);
  write_npy(dir + "/a.npy", t);
  NpyArray a = read_npy(dir + "/a.npy");
  CHECK(a.kind == NpyKind::int16);
  CHECK(a.shape == std::vector<int64_t>{3, 4, 5});
  CHECK(a.ints == t.data);
  CHECK(read_input_npy(dir + "/a.npy", {3, 4, 5}, {16, 15}).data == t.data);

  Tensor<float> f(Shape{2, 1, 3});
  f.data = {0.5f, -0.25f, 1e-3f, -1.0f, 0.0f, 0.75f};
  write_npy(dir + "/f.npy", f);
  NpyArray b = read_npy(dir + "/f.npy");
  CHECK(b.kind == NpyKind::floats);
  CHECK(b.floats == f.data);
  // Floats are quantized with the input format (frac 4: 0.5 -> 8, 1e-3 -> 0).
  CHECK(read_input_npy(dir + "/f.npy", {2, 1, 3}, {8, 4}).data == std::vector<int16_t>{8, -4, 0, -16, 0, 12});

  Tensor<int32_t> w(Shape{1, 1, 2});
  w.data = {70000, -5};
  write_npy(dir + "/w.npy", w);
  CHECK(file_text(dir + "/w.npy").find("'descr': '<i4'") != std::string::npos);
  CHECK(file_text(dir + "/w.npy").size() == 128 + 8);

  // Overwriting replaces the file as a whole.
  write_npy(dir + "/a.npy", f);
  CHECK(read_npy(dir + "/a.npy").kind == NpyKind::floats);
}

TEST_CASE("npy: other writers' files: float64, version 2, leading ones") {
  const TempDir tmp("npy_foreign");
  const std::string& dir = tmp.path();
  write_file(dir + "/d.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 2), }",
                                       raw(std::vector<double>{0.5, -0.5, 0.125, 2.0})));
  NpyArray d = read_npy(dir + "/d.npy");
  CHECK(d.shape == std::vector<int64_t>{1, 2, 2});
  CHECK(d.floats == std::vector<float>{0.5f, -0.5f, 0.125f, 2.0f});
  CHECK(read_input_npy(dir + "/d.npy", {1, 2, 2}, {16, 14}).data ==
        std::vector<int16_t>{8192, -8192, 2048, 32767});  // 2.0 clamps
  // (1, 2, 2) also matches a 2x2 network input written (2, 2) or (1, 1, 2, 2).
  write_file(dir + "/v2.npy", npy_bytes("{'descr': '<i2', 'fortran_order': False, 'shape': (1, 1, 2, 2)}",
                                        raw(std::vector<int16_t>{1, 2, 3, 4}), 2));
  CHECK(read_input_npy(dir + "/v2.npy", {1, 2, 2}, {16, 15}).data == std::vector<int16_t>{1, 2, 3, 4});
  write_file(dir + "/flat.npy", npy_bytes("{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (3,)}",
                                          raw(std::vector<float>{1, 2, 3})));
  CHECK(read_npy(dir + "/flat.npy").shape == std::vector<int64_t>{3});
  CHECK(read_input_npy(dir + "/flat.npy", {1, 1, 3}, {16, 8}).data == std::vector<int16_t>{256, 512, 768});
}

TEST_CASE("npy: damaged and unsupported files are InputErrors naming the file") {
  const TempDir tmp("npy_bad");
  const std::string& dir = tmp.path();
  const std::string f = dir + "/x.npy";
  const std::string ok_dict = "{'descr': '<i2', 'fortran_order': False, 'shape': (2, 2), }";
  const std::string four = raw(std::vector<int16_t>{1, 2, 3, 4});
  auto error_for = [&](const std::string& bytes) {
    write_file(f, bytes);
    return input_error_of([&] { read_npy(f); });
  };
  CHECK_THAT(input_error_of([&] { read_npy(dir + "/missing.npy"); }),
             Contains(dir + "/missing.npy: cannot open file"));
  CHECK_THAT(error_for("PK\x03\x04 not numpy"), Contains(f + ": not a .npy file (bad magic)"));
  CHECK_THAT(error_for(""), Contains("bad magic"));
  CHECK_THAT(error_for(npy_bytes(ok_dict, four).substr(0, 30)), Contains(f + ": truncated .npy header"));
  CHECK_THAT(error_for(npy_bytes("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }", four + four)),
             Contains(f + ": unsupported dtype '>f4'"));
  CHECK_THAT(error_for(npy_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }", four + four)),
             Contains("unsupported dtype '<i4'"));
  CHECK_THAT(error_for(npy_bytes("{'descr': '<i2', 'fortran_order': True, 'shape': (2, 2), }", four)),
             Contains(f + ": Fortran-order arrays are not supported"));
  CHECK_THAT(error_for(npy_bytes(ok_dict, four.substr(0, 6))),
             Contains(f + ": shape (2, 2) needs 8 data bytes, file has 6"));
  CHECK_THAT(error_for(npy_bytes(ok_dict, four + "xx")), Contains("needs 8 data bytes, file has 10"));
  CHECK_THAT(error_for(npy_bytes("{'descr': '<i2', 'fortran_order': False, 'shape': (2, x), }", four)),
             Contains(f + ": invalid .npy header: expected a non-negative integer"));
  CHECK_THAT(error_for(npy_bytes("{'descr': '<i2', 'fortran_order': False}", four)), Contains("no 'shape'"));
  std::string v9 = npy_bytes(ok_dict, four);
  v9[6] = 9;
  CHECK_THAT(error_for(v9), Contains("unsupported .npy version 9"));

  // Shapes and values that do not suit the network input.
  write_file(f, npy_bytes(ok_dict, four));
  CHECK_THAT(input_error_of([&] { read_input_npy(f, {1, 2, 3}, {16, 15}); }),
             Contains(f + ": shape (2, 2) does not match the network input 1x2x3"));
  write_file(f, npy_bytes(ok_dict, raw(std::vector<int16_t>{1, 2, 300, 4})));
  CHECK_THAT(input_error_of([&] { read_input_npy(f, {1, 2, 2}, {8, 7}); }),
             Contains(f + ": value 300 at index 2 does not fit 8 bits"));
  write_file(f, npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }",
                          raw(std::vector<float>{1.0f, std::nanf("")})));
  CHECK_THAT(input_error_of([&] { read_input_npy(f, {1, 1, 2}, {16, 15}); }),
             Contains(f + ": 1 of 2 values are not finite (1 NaN, 0 infinite; first at index 1: nan)"));
}

TEST_CASE("npy: headers NumPy's format does not allow are refused") {
  const TempDir tmp("npy_strict");
  const std::string f = tmp.path() + "/x.npy";
  const std::string four = raw(std::vector<int16_t>{1, 2, 3, 4});
  auto error_for = [&](const std::string& dict) {
    write_file(f, npy_bytes(dict, four));
    return input_error_of([&] { read_npy(f); });
  };
  // NumPy would take the last 'shape' (shiftsim used to take the first): refused either way.
  CHECK_THAT(error_for("{'descr': '<i2', 'fortran_order': False, 'shape': (2, 2), 'shape': (4,), }"),
             Contains(f + ": invalid .npy header: key 'shape' given twice"));
  CHECK_THAT(error_for("{'descr': '<i2', 'descr': '<i2', 'fortran_order': False, 'shape': (2, 2), }"),
             Contains("key 'descr' given twice"));
  CHECK_THAT(error_for("{'descr': '<i2', 'fortran_order': False, 'shape': (2, 2), }  garbage"),
             Contains("the header must end with space padding and one newline"));
  CHECK_THAT(error_for("{'descr': '<i2', 'fortran_order': False, 'shape': (2, 2), }\x01   "),
             Contains("the header must end with space padding and one newline"));
  CHECK_THAT(error_for("{'descr': '<i2', 'fortran_order': False, 'shape': (2, 2), 'extra': 1}"),
             Contains("unknown key 'extra'"));
  CHECK_THAT(error_for("{'descr': '<i2', 'fortran_order': False, 'shape': (4)}"),
             Contains("a one-element shape must be written (n,)"));
  CHECK_THAT(error_for("{'descr': '<i2', 'fortran_order': 0, 'shape': (2, 2)}"), Contains("expected True or False"));
  CHECK_THAT(error_for("{'descr': '<i2', 'fortran_order': False, 'shape': (2, -2)}"),
             Contains("expected a non-negative integer"));
  // The header is quoted short, whatever its length.
  const std::string long_dict = "{'descr': '<i2', 'fortran_order': False, 'shape': (2, 2), '" + std::string(5000, 'k') + "': 1}";
  CHECK(error_for(long_dict).size() < 400);
  // What NumPy itself writes: the keys in its order, padding spaces, one newline.
  write_file(f, npy_bytes("{'descr': '<i2', 'fortran_order': False, 'shape': (2, 2), }" + std::string(53, ' '), four));
  CHECK(read_npy(f).ints == std::vector<int16_t>{1, 2, 3, 4});
}

TEST_CASE("npy: non-finite inputs are refused and counted, out-of-range ones saturate and are counted") {
  const TempDir tmp("npy_values");
  const std::string f = tmp.path() + "/x.npy";
  const float inf = std::numeric_limits<float>::infinity();
  write_file(f, npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }",
                          raw(std::vector<float>{0.5f, inf, std::nanf(""), -inf})));
  CHECK_THAT(input_error_of([&] { read_input_npy(f, {1, 1, 4}, {8, 4}); }),
             Contains(f + ": 3 of 4 values are not finite (1 NaN, 2 infinite; first at index 1: inf)"));

  // Format (8 bits, 4 fractional): [-8, 7.9375]. 7.96875 rounds to 128, one past the top.
  write_file(f, npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 5), }",
                          raw(std::vector<double>{7.9375, 7.96875, 1e38, -1e300, -8.0})));
  InputConversion c;
  CHECK(read_input_npy(f, {1, 1, 5}, {8, 4}, &c).data == std::vector<int16_t>{127, 127, 127, -128, -128});
  CHECK(c.values == 5);
  CHECK(c.saturated == 3);
  CHECK(c.first_saturated == 1);
  CHECK(c.warning(f) == f + ": 3 of 5 values lie outside the input format's range [-8, 7.9375] and were "
                            "saturated to it (first at index 1: 7.96875)");
  write_file(f, npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }",
                          raw(std::vector<float>{7.9375f, -8.0f})));
  CHECK(read_input_npy(f, {1, 1, 2}, {8, 4}, &c).data == std::vector<int16_t>{127, -128});
  CHECK(c.saturated == 0);
  CHECK(c.warning(f).empty());
}

TEST_CASE("npy: a failed write leaves neither a partial file nor a temp file") {
  const TempDir tmp("npy_atomic");
  const std::string& dir = tmp.path();
  Tensor<int16_t> t(Shape{1, 1, 2});
  CHECK_THAT(input_error_of([&] { write_npy(dir + "/no/such/dir/t.npy", t); }),
             Contains(dir + "/no/such/dir/t.npy: cannot open"));
  // The target is a non-empty directory: the rename fails after the data was written.
  fs::create_directories(dir + "/busy.npy/inside");
  CHECK_THAT(input_error_of([&] { write_npy(dir + "/busy.npy", t); }), Contains(dir + "/busy.npy: cannot rename"));
  CHECK_FALSE(fs::exists(dir + "/busy.npy.tmp"));
  CHECK(fs::is_directory(dir + "/busy.npy/inside"));
  // An existing good file survives a failed replacement.
  write_npy(dir + "/keep.npy", t);
  const std::string before = file_text(dir + "/keep.npy");
  fs::create_directories(dir + "/keep.npy.tmp");  // the temp path cannot be opened
  CHECK_THROWS_AS(write_npy(dir + "/keep.npy", Tensor<int16_t>(Shape{2, 2, 2})), shiftsim::InputError);
  CHECK(file_text(dir + "/keep.npy") == before);
}
