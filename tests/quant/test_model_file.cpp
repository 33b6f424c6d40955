// Quantized-model files: round trip, refusal of damaged / newer files, and consistency checks
// that turn hand edits into InputErrors before the golden executor sees them.
#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>
#include <iterator>

#include <zlib.h>

#include "quant/binfile.h"
#include "quant/embedded_network.h"
#include "quant/fixed_format_io.h"
#include "quant/fixed_point.h"
#include "quant/golden.h"
#include "quant/model_file.h"
#include "quant/quantize.h"
#include "quant_test_util.h"

using namespace shiftsim::quant;
using shiftsim::quant::test::input_error_of;
using shiftsim::quant::test::read_bytes;
using shiftsim::quant::test::write_bytes;
using shiftsim::quant::test::TempDir;
using shiftsim::quant::test::zoo;
using Catch::Matchers::Contains;

namespace {
// Writes `b` with a freshly computed CRC, as a careful hand editor would.
void write_with_crc(const std::string& p, std::vector<uint8_t> b) {
  const size_t body = b.size() - 4;
  const uint32_t crc = uint32_t(crc32(crc32(0L, Z_NULL, 0), b.data(), uInt(body)));
  for (int i = 0; i < 4; ++i) b[body + size_t(i)] = uint8_t(crc >> (8 * i));
  write_bytes(p, b);
}
void put32(std::vector<uint8_t>& b, size_t at, int32_t v) {
  for (int i = 0; i < 4; ++i) b[at + size_t(i)] = uint8_t(uint32_t(v) >> (8 * i));
}
uint64_t get64(const std::vector<uint8_t>& b, size_t at) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | b[at + size_t(i)];
  return v;
}

// The layout before the sign offsets (format version 1), as that version's writer wrote it.
void save_version1(const std::string& path, const QuantizedNetwork& qn) {
  ByteWriter w;
  write_embedded_network(w, qn.net);
  write_format(w, qn.input);
  w.i32(qn.act_bits);
  w.i32(qn.acc_bits);
  w.u8(qn.overflow == Overflow::wrap ? 1 : 0);
  w.u64(qn.layers.size());
  for (const QLayer& q : qn.layers) {
    write_format(w, q.out);
    w.u8(q.weight_kind == WeightKind::pow2 ? 1 : 0);
    w.i32(q.weight_bits);
    w.i32(q.w_frac);
    w.u64(q.weights.size());
    for (int32_t v : q.weights) w.i32(v);
    w.u64(q.bias.size());
    for (int64_t v : q.bias) w.i64(v);
  }
  write_framed_file(path, "SHSIMQNT", 1, w.data());
}

QuantizedNetwork lenet(WeightKind kind, int bits) {
  const FloatNetwork f = generate_weights(load_network(zoo("lenet5")), 5);
  QuantOptions o;
  o.weight_kind = kind;
  o.weight_bits = bits;
  const FixedFormat in = default_input_format(16);
  return quantize_network(f, o, quantize_input(generate_input(f.net.input, 5), in), in);
}
}  // namespace

TEST_CASE("model file: round trip gives the same golden outputs") {
  TempDir dir("model_file");
  for (auto [kind, bits] : {std::pair{WeightKind::pow2, 3}, std::pair{WeightKind::fixed, 8}}) {
    const QuantizedNetwork qn = lenet(kind, bits);
    const std::string p = dir.path() + "/m.ssq";
    save_quantized_network(p, qn);
    const QuantizedNetwork back = load_quantized_network(p);
    CHECK(back.input.frac == qn.input.frac);
    CHECK(back.act_bits == qn.act_bits);
    CHECK(back.overflow == qn.overflow);
    REQUIRE(back.layers.size() == qn.layers.size());
    for (size_t i = 0; i < qn.layers.size(); ++i) {
      CHECK(back.layers[i].weights == qn.layers[i].weights);
      CHECK(back.layers[i].bias == qn.layers[i].bias);
      CHECK(back.layers[i].out.frac == qn.layers[i].out.frac);
      CHECK(back.layers[i].w_frac == qn.layers[i].w_frac);
      CHECK(back.layers[i].weight_kind == qn.layers[i].weight_kind);
    }
    const Tensor<int16_t> x = quantize_input(generate_input(qn.net.input, 9), qn.input);
    CHECK(run_golden(back, x).outputs.back().data == run_golden(qn, x).outputs.back().data);
  }
}

TEST_CASE("model file: version 1 files load with no sign offsets, version 2 keeps them") {
  TempDir dir("model_file_v1");
  const QuantizedNetwork qn = lenet(WeightKind::pow2, 3);
  const std::string v1 = dir.path() + "/v1.ssq";
  save_version1(v1, qn);
  const QuantizedNetwork old = load_quantized_network(v1);
  REQUIRE(old.layers.size() == qn.layers.size());
  for (const QLayer& q : old.layers) {
    CHECK(q.offset_pos == 0);
    CHECK(q.offset_neg == 0);
  }
  const Tensor<int16_t> x = quantize_input(generate_input(qn.net.input, 9), qn.input);
  CHECK(run_golden(old, x).outputs.back().data == run_golden(qn, x).outputs.back().data);

  // Two windows (conv1's positive weights 2^1..2^3), written and read back as version 2.
  QuantizedNetwork two = qn;
  for (int16_t& v : two.layers[0].weights) v = int16_t(v > 0 ? v * 2 : v);
  two.layers[0].offset_pos = 1;
  const std::string v2 = dir.path() + "/v2.ssq";
  save_quantized_network(v2, two);
  const QuantizedNetwork back = load_quantized_network(v2);
  CHECK(back.layers[0].offset_pos == 1);
  CHECK(back.layers[0].offset_neg == 0);
  CHECK(back.layers[0].weights == two.layers[0].weights);
  CHECK(run_golden(back, x).outputs.back().data == run_golden(two, x).outputs.back().data);
  // Without the offset that conv1 is no 3-bit code: a reader that dropped it would refuse it.
  two.layers[0].offset_pos = 0;
  CHECK_THAT(input_error_of([&] { save_quantized_network(v2, two); }), Contains("layer conv1.weights"));
}

TEST_CASE("model file: truncated, bit-flipped and newer files are refused") {
  TempDir dir("model_file_bad");
  const std::string p = dir.path() + "/m.ssq", bad = dir.path() + "/bad.ssq";
  save_quantized_network(p, lenet(WeightKind::pow2, 3));
  const std::vector<uint8_t> good = read_bytes(p);
  auto write = [&](const std::vector<uint8_t>& b) {
    std::ofstream(bad, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
  };
  write({good.begin(), good.end() - 1});
  CHECK_THAT(input_error_of([&] { load_quantized_network(bad); }), Contains(bad) && Contains("checksum"));
  std::vector<uint8_t> b = good;
  b[good.size() - 100] ^= 1;
  write(b);
  CHECK_THAT(input_error_of([&] { load_quantized_network(bad); }), Contains("corrupted"));
  b = good;
  b[8] = 7;
  write(b);
  CHECK_THAT(input_error_of([&] { load_quantized_network(bad); }), Contains("version 7") && Contains("newer"));
  // A float checkpoint is not a model.
  b = good;
  std::memcpy(b.data(), "SHSIMFLT", 8);
  write(b);
  CHECK_THAT(input_error_of([&] { load_quantized_network(bad); }), Contains("bad magic"));
}

TEST_CASE("model file: hand edits with a valid checksum are checked for consistency") {
  TempDir dir("model_file_edit");
  const std::string p = dir.path() + "/m.ssq", bad = dir.path() + "/bad.ssq";
  save_quantized_network(p, lenet(WeightKind::pow2, 3));
  const std::vector<uint8_t> good = read_bytes(p);
  const size_t after_json = 12 + 8 + size_t(get64(good, 12));
  const size_t act_bits_at = after_json + 8;
  const size_t layer0 = act_bits_at + 4 + 4 + 1 + 8;  // conv1's record
  // out (bits, frac), kind, weight_bits, w_frac, offset_pos, offset_neg, weight count
  const size_t out_frac_at = layer0 + 4, offset_pos_at = layer0 + 8 + 1 + 4 + 4;
  const size_t w0_at = offset_pos_at + 8 + 8;

  std::vector<uint8_t> b = good;
  put32(b, act_bits_at, 17);
  write_with_crc(bad, b);
  CHECK_THAT(input_error_of([&] { load_quantized_network(bad); }), Contains("act_bits") && Contains("17"));

  b = good;
  put32(b, w0_at, 3);  // not a power of two
  write_with_crc(bad, b);
  CHECK_THAT(input_error_of([&] { load_quantized_network(bad); }),
             Contains("layer conv1.weights[0]") && Contains("power-of-two"));

  b = good;
  put32(b, w0_at, 40000);  // wider than any weight format: refused before it is narrowed to 16 bits
  write_with_crc(bad, b);
  CHECK_THAT(input_error_of([&] { load_quantized_network(bad); }),
             Contains("conv1 weight 0 is 40000") && Contains("16 bits"));

  b = good;
  put32(b, w0_at, 8);  // 2^3 needs s <= 2 for 3 bits
  write_with_crc(bad, b);
  CHECK_THAT(input_error_of([&] { load_quantized_network(bad); }), Contains("weights[0]"));

  b = good;
  put32(b, offset_pos_at, 1);  // a +1 weight has no code once positives start at 2^1
  write_with_crc(bad, b);
  CHECK_THAT(input_error_of([&] { load_quantized_network(bad); }),
             Contains("power-of-two weight") && Contains("1 <= s <= 3"));

  b = good;
  put32(b, offset_pos_at + 4, 13);  // 3-bit codes shift by 2 at most: 13 + 2 > 14
  write_with_crc(bad, b);
  CHECK_THAT(input_error_of([&] { load_quantized_network(bad); }), Contains("offset_neg"));

  b = good;
  put32(b, out_frac_at, 100);  // finer than the accumulator: negative shift
  write_with_crc(bad, b);
  CHECK_THAT(input_error_of([&] { load_quantized_network(bad); }), Contains("negative"));

  QuantizedNetwork qn = lenet(WeightKind::fixed, 8);
  qn.layers[2].bias.pop_back();
  CHECK_THAT(input_error_of([&] { save_quantized_network(bad, qn); }), Contains("layer conv2.bias"));
  qn = lenet(WeightKind::fixed, 8);
  qn.layers[1].out.frac += 1;
  CHECK_THAT(input_error_of([&] { save_quantized_network(bad, qn); }),
             Contains("layer pool1.out.frac") && Contains("keep"));
}
