#include "sim/recurrent_mapper.h"

#include <algorithm>

#include "common/input_error.h"
#include "models/pe_array/array_kind.h"
#include "models/pe_array/weight_layout.h"
#include "models/recurrent/recurrent_layer.h"
#include "models/recurrent/register_file.h"

namespace shiftsim::sim {

namespace {

constexpr uint64_t kRegionAlign = 4096;
uint64_t align_up(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

std::string kind_name(quant::LayerType t) {
  switch (t) {
    case quant::LayerType::lstm: return "lstm";
    case quant::LayerType::gru: return "gru";
    case quant::LayerType::embedding: return "embedding";
    case quant::LayerType::fc: return "fc";
    default: return "layer";
  }
}

models::Fmt fmt(quant::FixedFormat f) { return {f.bits, f.frac}; }

bool svpe(const models::ArchSpec& arch) {
  return models::array_kind_model(arch).weight_code() == models::WeightCode::pow2_sign_magnitude;
}

// The input format of layer i: the network input's or its producer's output format.
quant::FixedFormat input_format(const quant::RecurrentQuantizedNetwork& qn, size_t i) {
  const int src = qn.net.layers[i].inputs[0];
  return src == quant::kNetworkInput ? qn.input : qn.layers[size_t(src)].out;
}

models::RecurrentHeader header_of(const quant::RecurrentQuantizedNetwork& qn, size_t i) {
  const quant::Layer& l = qn.net.layers[i];
  const quant::RecurrentQLayer& q = qn.layers[i];
  models::RecurrentHeader h;
  h.lstm = l.type == quant::LayerType::lstm;
  h.fc = l.type == quant::LayerType::fc;
  h.steps = uint32_t(l.in_shape.c);
  h.input = uint32_t(l.rnn.input_size);
  h.hidden = uint32_t(l.rnn.hidden_size);
  h.reverse = l.rnn.direction == quant::Direction::reverse;
  h.sequence_output = l.rnn.sequence_output;
  h.linear_before_reset = l.rnn.linear_before_reset;
  h.peepholes = !q.peepholes.v.empty();
  h.has_h0 = !q.h0.v.empty();
  h.has_c0 = !q.c0.v.empty();
  h.in = fmt(input_format(qn, i));
  h.w = fmt(q.weights.fmt);
  h.r = fmt(q.recurrent.fmt);
  h.p = fmt(q.peepholes.fmt);
  h.bias = fmt(q.bias.fmt);
  h.out = fmt(q.out);
  h.cell = fmt(q.cell);
  h.sig = fmt(q.sigmoid_out);
  h.tanh = fmt(q.tanh_out);
  h.reset_product = fmt(q.reset_product);
  for (size_t g = 0; g < q.gates.size() && g < 4; ++g) h.gates[g] = fmt(q.gates[g]);
  h.acc_bits = qn.acc_bits;
  if (l.type == quant::LayerType::embedding) {  // one id a step, its row the output
    h.embedding = true;
    h.lstm = false;
    h.input = 1;
    h.hidden = uint32_t(l.out_channels);
    h.vocab = uint32_t(l.vocab_size);
    h.sequence_output = true;
    h.reverse = h.peepholes = h.has_h0 = h.has_c0 = false;
    h.resident = false;
  }
  if (h.fc) {  // every step of a per-step fc, or the whole input once
    const uint32_t all = uint32_t(l.in_shape.c) * uint32_t(l.in_shape.h) * uint32_t(l.in_shape.w);
    h.steps = l.per_step ? uint32_t(l.in_shape.c) : 1;
    h.input = all / h.steps;
    h.hidden = uint32_t(l.out_channels);
    h.sequence_output = l.per_step;
    h.relu = l.relu;
    h.reverse = h.peepholes = h.has_h0 = h.has_c0 = false;
  }
  return h;
}

// A matrix's values the array can take: power-of-two codes of weight_bits on the SVPE array,
// weight_bits two's complement on the VPE array.
void check_matrix(const quant::QTensor& m, const char* name, const models::ArchSpec& arch, const std::string& at) {
  const uint32_t wb = arch.numerics.weight_bits;
  for (size_t i = 0; i < m.v.size(); ++i) {
    const int32_t v = m.v[i];
    std::string why;
    if (svpe(arch)) {
      const uint32_t a = uint32_t(v < 0 ? -int64_t(v) : v);
      const bool pow2 = a == 0 || (a & (a - 1)) == 0;
      const int s = a == 0 ? 0 : __builtin_ctz(a);
      if (!pow2 || (a != 0 && s > (1 << (wb - 1)) - 2))
        why = "is not 0 or +-2^s with s <= " + std::to_string((1 << (wb - 1)) - 2) + " (the SVPE array's " +
              std::to_string(wb) + "-bit power-of-two codes, numerics.weight_bits; quantize the model with "
              "--method nbq --bits " + std::to_string(wb) + ")";
    } else if (v > (int64_t(1) << (wb - 1)) - 1 || v < -(int64_t(1) << (wb - 1))) {
      why = "does not fit the VPE array's " + std::to_string(wb) + "-bit weights (numerics.weight_bits)";
    }
    if (!why.empty())
      throw InputError(at + ": " + name + ": value [" + std::to_string(i) + "] = " + std::to_string(v) + " " + why);
  }
}

}  // namespace

void check_recurrent_fits_arch(const quant::RecurrentQuantizedNetwork& qn, const models::ArchSpec& arch,
                               const std::string& where) {
  if (uint32_t(qn.acc_bits) > arch.numerics.acc_bits)
    throw InputError(where + ": the model's accumulators are " + std::to_string(qn.acc_bits) +
                     " bits, wider than the machine's " + std::to_string(arch.numerics.acc_bits) +
                     " (numerics.acc_bits)");
  for (size_t i = 0; i < qn.net.layers.size(); ++i) {
    const quant::Layer& l = qn.net.layers[i];
    const std::string at = where + ": layer " + l.name + " (" + kind_name(l.type) + ")";
    if (l.type == quant::LayerType::fc) continue;  // its sizes come from its input (shape inference)
    if (l.type == quant::LayerType::embedding) {
      if (l.vocab_size > 32768)  // ids travel as int16
        throw InputError(at + ": vocab_size " + std::to_string(l.vocab_size) +
                         ": the recurrent unit reads token ids as int16, at most 32768 rows");
      continue;
    }
    // The front end refuses these in files (network JSON, ONNX, model files); a network built in
    // code meets them here, before any size below is trusted.
    const int features = l.in_shape.h * l.in_shape.w;
    if (l.rnn.hidden_size < 1)
      throw InputError(at + ": hidden_size " + std::to_string(l.rnn.hidden_size) + ": must be >= 1");
    if (l.rnn.input_size != features || features < 1 || l.in_shape.c < 1)
      throw InputError(at + ": input_size " + std::to_string(l.rnn.input_size) + " does not match its input's " +
                       std::to_string(features) + " features per step (input " + l.in_shape.str() + ")");
    if (l.rnn.direction != quant::Direction::forward && l.rnn.direction != quant::Direction::reverse)
      throw InputError(at + ": direction " + std::to_string(int(l.rnn.direction)) + ": must be forward or reverse");
  }
  quant::check_recurrent_network(qn, where);
  for (size_t i = 0; i < qn.net.layers.size(); ++i) {
    const quant::Layer& l = qn.net.layers[i];
    const std::string at = where + ": layer " + l.name + " (" + kind_name(l.type) + ")";
    const quant::RecurrentQLayer& q = qn.layers[i];
    const uint32_t tm = arch.pe_array.lanes;
    const models::RecurrentHeader hd = header_of(qn, i);
    const uint64_t rows = models::recurrent_rows(hd, tm);
    if (rows > arch.recurrent.max_rows) {
      std::string what = std::to_string(rows) + " outputs";
      if (hd.embedding) {
        what = "dim " + std::to_string(rows);
      } else if (!hd.fc) {  // gate blocks start on a word of the lanes (§11): say so when it adds rows
        const uint64_t n = hd.hidden, g = hd.gate_count(), padded = uint64_t(models::words_per_block(hd, tm)) * tm;
        what = std::to_string(g) + " gate blocks of hidden_size " + std::to_string(n) + " take " +
               std::to_string(rows) + " rows";
        if (padded != n)
          what += " (each starts on a word of " + std::to_string(tm) + " lanes: " + std::to_string(g - 1) + " x " +
                  std::to_string(padded) + " + " + std::to_string(n) + ")";
      }
      throw InputError(at + ": " + what + ", more than the recurrent unit's register file holds: built for " +
                       std::to_string(arch.recurrent.max_rows) + " rows (recurrent.max_rows)");
    }
    if (l.type == quant::LayerType::embedding) continue;  // a table read by rows: no array, no activations in
    check_matrix(q.weights, "W", arch, at);
    check_matrix(q.recurrent, "R", arch, at);
    const uint32_t ab = arch.numerics.act_bits;
    const quant::FixedFormat in = input_format(qn, i);
    if (uint32_t(in.bits) > ab || uint32_t(q.out.bits) > ab)
      throw InputError(at + ": its input (" + std::to_string(in.bits) + " bits) and hidden state (" +
                       std::to_string(q.out.bits) + " bits) enter the PE array, whose activations are " +
                       std::to_string(ab) + " bits (numerics.act_bits)");
    const models::RecurrentHeader h = header_of(qn, i);
    const models::RecurrentLayout L = models::recurrent_layout(h, arch);
    const uint64_t half = uint64_t(arch.buffers.weight_kib) * 1024;
    if (L.weights_end - L.params_end <= 2 * half) continue;  // resident
    for (const models::StepOp& op : L.program) {
      if (!op.mvm) continue;
      const models::WeightLayout W = models::mvm_layout(h, op.m, arch);
      // the largest row tile: the first (a whole word of rows, or every gate's one tile alike)
      const bool several = models::mvm_row_tiles(h, op.m, arch.pe_array.lanes) > 1;
      const uint64_t tile = several ? models::mvm_block_offset(W, 1, 0) : W.total_bytes();
      if (tile > half)
        throw InputError(at + ": weight buffer: a row tile of its streamed weights needs " + std::to_string(tile) +
                         " bytes, one half holds " + std::to_string(half) + " (buffers.weight_kib)");
    }
  }
}

void write_sequence_tensor(uint8_t* dst, const quant::Tensor<int32_t>& t) {
  for (size_t i = 0; i < t.data.size(); ++i) {
    const uint16_t v = uint16_t(int16_t(t.data[i]));
    dst[2 * i] = uint8_t(v & 0xFF);
    dst[2 * i + 1] = uint8_t(v >> 8);
  }
}

quant::Tensor<int32_t> read_sequence_tensor(const uint8_t* src, const quant::Shape& shape) {
  quant::Tensor<int32_t> t(shape);
  for (size_t i = 0; i < t.data.size(); ++i) t.data[i] = int16_t(uint16_t(src[2 * i] | (src[2 * i + 1] << 8)));
  return t;
}

RecurrentProgram map_recurrent_network(const quant::RecurrentQuantizedNetwork& qn,
                                       const quant::Tensor<int32_t>& input, const models::ArchSpec& arch,
                                       const std::string& where) {
  check_recurrent_fits_arch(qn, arch, where);
  bool ids = false;  // token ids (32-bit integers in the golden executor) travel as int16
  for (const quant::Layer& l : qn.net.layers)
    if (l.inputs[0] == quant::kNetworkInput) ids = l.type == quant::LayerType::embedding;
  if (qn.input.bits > 16 && !ids)
    throw InputError(where + ": the network input is " + std::to_string(qn.input.bits) +
                     " bits; the recurrent unit reads int16 sequences");
  RecurrentProgram p;
  const size_t n = qn.net.layers.size();
  std::vector<uint8_t>& image = p.image;
  auto region = [&](uint64_t bytes) {
    const uint64_t at = align_up(std::max<uint64_t>(image.size(), 1), kRegionAlign);
    image.resize(at + bytes, 0);
    return at;
  };
  image.resize(n * models::kDescriptorBytes, 0);
  p.desc_addr = 0;
  p.input.shape = qn.net.input;
  p.input.addr = region(input.data.size() * models::kSeqBytes);
  write_sequence_tensor(image.data() + p.input.addr, input);
  for (size_t i = 0; i < n; ++i) {
    const quant::Layer& l = qn.net.layers[i];
    const quant::RecurrentQLayer& q = qn.layers[i];
    models::RecurrentHeader h = header_of(qn, i);
    TensorSlot out;
    out.shape = l.out_shape;
    out.addr = region(size_t(out.shape.c) * out.shape.h * out.shape.w * models::kSeqBytes);
    p.outputs.push_back(out);
    models::RecurrentLayout L = models::recurrent_layout(h, arch);
    // An embedding's table stays in DRAM (a row a step); other weights stay on chip when they fit.
    h.resident = !h.embedding && L.weights_end - L.params_end <= 2 * uint64_t(arch.buffers.weight_kib) * 1024;
    const uint64_t base = region(L.weights_end);
    const std::vector<int32_t> words = models::encode_header(h);
    auto put32 = [&](uint64_t at, int32_t v) {
      for (int b = 0; b < 4; ++b) image[at + b] = uint8_t(uint32_t(v) >> (8 * b));
    };
    auto put16 = [&](uint64_t at, int32_t v) {
      image[at] = uint8_t(uint16_t(int16_t(v)) & 0xFF);
      image[at + 1] = uint8_t(uint16_t(int16_t(v)) >> 8);
    };
    for (size_t w = 0; w < words.size(); ++w) put32(base + 4 * w, words[w]);
    for (size_t k = 0; k < q.bias.v.size(); ++k) put32(base + L.bias + 4 * k, q.bias.v[k]);
    for (size_t k = 0; k < q.peepholes.v.size(); ++k) put32(base + L.peepholes + 4 * k, q.peepholes.v[k]);
    for (size_t k = 0; k < q.h0.v.size(); ++k) put16(base + L.h0 + 2 * k, q.h0.v[k]);
    for (size_t k = 0; k < q.c0.v.size(); ++k) put16(base + L.c0 + 2 * k, q.c0.v[k]);
    if (h.embedding)
      for (size_t k = 0; k < q.weights.v.size(); ++k) put16(base + L.table + 2 * k, q.weights.v[k]);
    const uint32_t k2 = arch.pe_array.kernel * arch.pe_array.kernel;
    for (const models::StepOp& op : L.program) {
      if (!op.mvm) continue;
      const quant::QTensor& m = op.m.recurrent ? q.recurrent : q.weights;
      const uint32_t cols = models::mvm_cols(h, op.m), rows = op.m.r1 - op.m.r0;
      const uint32_t C = uint32_t((cols + k2 - 1) / k2);
      std::vector<int16_t> padded(size_t(rows) * C * k2, 0);  // [rows][C][k][k]: k^2 columns per convolver
      for (uint32_t r = 0; r < rows; ++r)
        std::copy_n(m.v.begin() + long(size_t(op.m.r0 + r) * cols), cols, padded.begin() + long(size_t(r) * C * k2));
      models::mvm_layout(h, op.m, arch).encode(padded, image.data() + base + op.m.offset);
    }
    // The layer's input: the network input or its producer's output.
    const int src = l.inputs[0];
    const uint64_t in_addr = src == quant::kNetworkInput ? p.input.addr : p.outputs[size_t(src)].addr;
    models::Descriptor d;
    d.op = h.embedding ? models::Op::embedding : h.fc ? models::Op::seq_fc : h.lstm ? models::Op::lstm : models::Op::gru;
    d.layer_id = uint32_t(i);
    d.in_addr = in_addr;
    d.out_addr = out.addr;
    d.weight_addr = base;
    d.in2_addr = base + (h.resident ? L.weights_end : L.params_end);  // what the parameter job reads
    d.in_c = h.steps;
    d.in_h = h.input;
    d.in_w = 1;
    d.out_c = uint32_t(out.shape.c);
    d.out_h = uint32_t(out.shape.h);
    d.out_w = uint32_t(out.shape.w);
    p.passes.push_back(d);
    p.pass_layer.push_back(int(i));
    p.resident.push_back(h.resident);
    const auto w = d.encode();
    for (size_t k = 0; k < w.size(); ++k) put32(i * models::kDescriptorBytes + 4 * k, int32_t(w[k]));
  }
  p.desc_count = uint32_t(n);
  return p;
}

}  // namespace shiftsim::sim
