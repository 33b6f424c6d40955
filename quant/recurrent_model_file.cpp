#include "quant/recurrent_model_file.h"

#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/input_error.h"
#include "quant/binfile.h"
#include "quant/fixed_format_io.h"
#include "quant/embedded_network.h"

namespace shiftsim::quant {

namespace {
constexpr char kMagic[] = "SHSIMRQN";

void write_tensor(ByteWriter& w, const QTensor& t) {
  w.u8(t.kind == WeightKind::pow2 ? 1 : 0);
  w.i32(t.code_bits);
  write_format(w, t.fmt);
  w.u64(t.v.size());
  for (int32_t v : t.v) w.i32(v);
}
QTensor read_tensor(ByteReader& r, const std::string& at) {
  QTensor t;
  const uint8_t kind = r.u8();
  if (kind > 1) r.fail(at + ": unknown tensor kind " + std::to_string(kind));
  t.kind = kind ? WeightKind::pow2 : WeightKind::fixed;
  t.code_bits = r.i32();
  t.fmt = read_format(r);
  t.v.resize(size_t(r.count(at + " values", r.remaining() / 4)));
  for (int32_t& v : t.v) v = r.i32();
  return t;
}
}  // namespace

void save_recurrent_network(const std::string& path, const RecurrentQuantizedNetwork& qn) {
  check_recurrent_network(qn, path);
  ByteWriter w;
  write_embedded_network(w, qn.net);
  write_format(w, qn.input);
  w.i32(qn.acc_bits);
  w.u64(qn.layers.size());
  for (const RecurrentQLayer& q : qn.layers) {
    for (const QTensor* t : {&q.weights, &q.recurrent, &q.peepholes, &q.bias, &q.h0, &q.c0})
      write_tensor(w, *t);
    write_format(w, q.out);
    write_format(w, q.cell);
    w.u64(q.gates.size());
    for (const FixedFormat& g : q.gates) write_format(w, g);
    write_format(w, q.sigmoid_out);
    write_format(w, q.tanh_out);
    write_format(w, q.reset_product);
  }
  write_framed_file(path, kMagic, kRecurrentModelFileVersion, w.data());
}

RecurrentQuantizedNetwork load_recurrent_network(const std::string& path) {
  size_t begin = 0, end = 0;
  uint32_t version = 0;
  const std::vector<uint8_t> data = read_framed_file(
      path, kMagic, kRecurrentModelFileVersion, "quantized sequence model", begin, end, version);
  ByteReader r(data, begin, end, path);
  RecurrentQuantizedNetwork qn;
  qn.net = read_embedded_network(r);
  qn.input = read_format(r);
  qn.acc_bits = r.i32();
  const uint64_t layers = r.count("layer count", qn.net.layers.size());
  static const char* names[] = {"weights", "recurrent", "peepholes", "bias", "h0", "c0"};
  for (uint64_t i = 0; i < layers; ++i) {
    RecurrentQLayer q;
    const std::string at = "layer " + qn.net.layers[size_t(i)].name;
    QTensor* ts[] = {&q.weights, &q.recurrent, &q.peepholes, &q.bias, &q.h0, &q.c0};
    for (int k = 0; k < 6; ++k) *ts[k] = read_tensor(r, at + " " + names[k]);
    q.out = read_format(r);
    q.cell = read_format(r);
    q.gates.resize(size_t(r.count(at + " gates", 4)));
    for (FixedFormat& g : q.gates) g = read_format(r);
    q.sigmoid_out = read_format(r);
    q.tanh_out = read_format(r);
    q.reset_product = read_format(r);
    qn.layers.push_back(std::move(q));
  }
  r.expect_end();
  check_recurrent_network(qn, path);
  return qn;
}

bool is_recurrent_model_file(const std::string& path) {
  // Only a regular file is opened: opening a FIFO nobody writes would block forever, and the
  // caller's own reader refuses such a path with its message.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  char magic[8] = {};
  return in.read(magic, 8) && std::memcmp(magic, kMagic, 8) == 0;
}

}  // namespace shiftsim::quant
