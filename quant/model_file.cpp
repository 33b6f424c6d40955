#include "quant/model_file.h"

#include <cstdint>

#include "common/input_error.h"
#include "quant/binfile.h"
#include "quant/fixed_format_io.h"
#include "quant/embedded_network.h"
#include "quant/qnetwork_check.h"

namespace shiftsim::quant {

namespace {
constexpr char kMagic[] = "SHSIMQNT";

uint8_t read_enum(ByteReader& r, const std::string& field, uint8_t max) {
  const uint8_t v = r.u8();
  if (v > max) r.fail(field + ": unknown code " + std::to_string(v));
  return v;
}
}  // namespace

void save_quantized_network(const std::string& path, const QuantizedNetwork& qn) {
  check_quantized_network(qn, path);
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
    w.i32(q.offset_pos);
    w.i32(q.offset_neg);
    w.u64(q.weights.size());
    for (int32_t v : q.weights) w.i32(v);
    w.u64(q.bias.size());
    for (int64_t v : q.bias) w.i64(v);
  }
  write_framed_file(path, kMagic, kModelFileVersion, w.data());
}

QuantizedNetwork load_quantized_network(const std::string& path) {
  size_t begin = 0, end = 0;
  uint32_t version = 0;
  const std::vector<uint8_t> data =
      read_framed_file(path, kMagic, kModelFileVersion, "quantized model", begin, end, version);
  ByteReader r(data, begin, end, path);
  QuantizedNetwork qn;
  qn.net = read_embedded_network(r);
  qn.input = read_format(r);
  qn.act_bits = r.i32();
  qn.acc_bits = r.i32();
  qn.overflow = read_enum(r, "overflow", 1) ? Overflow::wrap : Overflow::saturate;
  const uint64_t layers = r.count("layer count", qn.net.layers.size());
  if (layers != qn.net.layers.size())
    r.fail(std::to_string(layers) + " layer records, network has " +
           std::to_string(qn.net.layers.size()));
  qn.layers.resize(size_t(layers));
  for (size_t i = 0; i < layers; ++i) {
    QLayer& q = qn.layers[i];
    const std::string at = "layer " + qn.net.layers[i].name;
    q.out = read_format(r);
    q.weight_kind = read_enum(r, at + " weight kind", 1) ? WeightKind::pow2 : WeightKind::fixed;
    q.weight_bits = r.i32();
    q.w_frac = r.i32();
    if (version >= 2) {  // version 1 predates the offsets: its power-of-two codes have none
      q.offset_pos = r.i32();
      q.offset_neg = r.i32();
    }
    q.weights.resize(size_t(r.count(at + " weights", r.remaining() / 4)));
    for (size_t k = 0; k < q.weights.size(); ++k) {
      const int32_t v = r.i32();
      // Every weight format fits 16 bits (qnetwork.h); a wider value is a broken file.
      if (v < INT16_MIN || v > INT16_MAX)
        throw InputError(path + ": " + at + " weight " + std::to_string(k) + " is " + std::to_string(v) +
                         ", wider than any weight format (16 bits)");
      q.weights[k] = int16_t(v);
    }
    q.bias.resize(size_t(r.count(at + " bias", r.remaining() / 8)));
    for (int64_t& v : q.bias) v = r.i64();
  }
  r.expect_end();
  check_quantized_network(qn, path);
  return qn;
}

}  // namespace shiftsim::quant
