#include "models/recurrent/recurrent_layer.h"

#include <algorithm>
#include <stdexcept>

#include "models/int_math.h"

namespace shiftsim::models {

namespace {

constexpr int32_t kHeaderMagic = 0x524E4E31;  // "RNN1"

// Word order of the header; encode and decode walk the same list.
template <class H, class Word, class Flag, class Format>
void visit_header(H& h, Word&& word, Flag&& flag, Format&& fmt) {
  flag(h.lstm);
  flag(h.fc);
  flag(h.relu);
  flag(h.embedding);
  word(h.vocab);
  word(h.steps);
  word(h.input);
  word(h.hidden);
  for (auto* f : {&h.reverse, &h.sequence_output, &h.linear_before_reset, &h.peepholes, &h.has_h0,
                  &h.has_c0, &h.resident})
    flag(*f);
  for (auto* f : {&h.in, &h.w, &h.r, &h.p, &h.bias, &h.out, &h.cell, &h.sig, &h.tanh, &h.reset_product,
                  &h.gates[0], &h.gates[1], &h.gates[2], &h.gates[3]})
    fmt(*f);
}

uint64_t align64(uint64_t x) { return (x + 63) / 64 * 64; }

}  // namespace

std::vector<int32_t> encode_header(const RecurrentHeader& hd) {
  std::vector<int32_t> w(kHeaderWords, 0);
  size_t i = 0;
  w[i++] = kHeaderMagic;
  w[i++] = hd.acc_bits;
  RecurrentHeader h = hd;
  visit_header(
      h, [&](uint32_t& v) { w.at(i++) = int32_t(v); }, [&](bool& b) { w.at(i++) = b ? 1 : 0; },
      [&](Fmt& f) {
        w.at(i++) = f.bits;
        w.at(i++) = f.frac;
      });
  return w;
}

RecurrentHeader decode_header(const uint8_t* bytes) {
  std::vector<int32_t> w(kHeaderWords);
  for (uint32_t k = 0; k < kHeaderWords; ++k)
    w[k] = int32_t(uint32_t(bytes[4 * k]) | uint32_t(bytes[4 * k + 1]) << 8 | uint32_t(bytes[4 * k + 2]) << 16 |
                   uint32_t(bytes[4 * k + 3]) << 24);
  if (w[0] != kHeaderMagic) throw std::runtime_error("recurrent layer header: bad magic word");
  RecurrentHeader h;
  size_t i = 1;
  h.acc_bits = w[i++];
  visit_header(
      h, [&](uint32_t& v) { v = uint32_t(w.at(i++)); }, [&](bool& b) { b = w.at(i++) != 0; },
      [&](Fmt& f) {
        f.bits = w.at(i++);
        f.frac = w.at(i++);
      });
  return h;
}

bool on_activation_unit(VecKind k) { return k == VecKind::act_gates || k == VecKind::act_cell; }

const char* to_string(VecKind k) {
  switch (k) {
    case VecKind::act_gates: return "act_gates";
    case VecKind::act_cell: return "act_cell";
    case VecKind::combine: return "combine";
    case VecKind::combine_part: return "combine_part";
    case VecKind::o_finish: return "o_finish";
    case VecKind::cell: return "cell";
    case VecKind::hidden_lstm: return "hidden_lstm";
    case VecKind::reset_h: return "reset_h";
    case VecKind::reset_q: return "reset_q";
    case VecKind::combine_n: return "combine_n";
    case VecKind::hidden_gru: return "hidden_gru";
    case VecKind::fc_out: return "fc_out";
  }
  return "?";
}

Descriptor matrix_descriptor(uint32_t rows, uint32_t cols, const ArchSpec& arch) {
  const uint32_t k = arch.pe_array.kernel;
  Descriptor d;
  d.op = Op::conv;
  d.out_c = rows;
  d.in_c = uint32_t(ceil_div(cols, uint64_t(k) * k));  // k^2 columns per convolver
  d.kernel = k;
  d.groups = 1;
  d.in_h = d.in_w = d.out_h = d.out_w = 1;
  return d;
}

uint32_t mvm_cols(const RecurrentHeader& h, const MvmOp& m) { return m.recurrent ? h.hidden : h.input; }

uint32_t words_per_block(const RecurrentHeader& h, uint32_t tm) { return uint32_t(ceil_div(h.hidden, tm)); }

uint32_t gate_blocks(const RecurrentHeader& h, uint32_t rows) {
  if (h.hidden == 0 || rows % h.hidden != 0)
    throw std::logic_error("recurrent layout: an operation's rows are not whole gate blocks");
  return rows / h.hidden;
}

uint32_t aligned_rows(const RecurrentHeader& h, uint32_t rows, uint32_t tm) {
  return gate_blocks(h, rows) * words_per_block(h, tm) * tm;
}

WordRows word_rows(const RecurrentHeader& h, uint32_t w, uint32_t tm) {
  const uint32_t per = words_per_block(h, tm), b = w / per, i = w % per;
  return {b * h.hidden + i * tm, std::min(tm, h.hidden - i * tm)};
}

uint64_t vec_issues(const RecurrentHeader& h, const VecOp& op, uint32_t tm) {
  return aligned_rows(h, op.elements(), tm) / tm;
}

WeightLayout mvm_layout(const RecurrentHeader& h, const MvmOp& m, const ArchSpec& arch) {
  // Each gate block a group of its own: its row tiles start on lane 0, its last one short.
  Descriptor d = matrix_descriptor(m.r1 - m.r0, mvm_cols(h, m), arch);
  d.groups = gate_blocks(h, m.r1 - m.r0);
  d.in_c *= d.groups;
  return WeightLayout(d, arch);
}

uint32_t mvm_row_tiles(const RecurrentHeader& h, const MvmOp& m, uint32_t tm) {
  return aligned_rows(h, m.r1 - m.r0, tm) / tm;
}

uint64_t mvm_block_offset(const WeightLayout& W, uint32_t t, uint32_t nt) {
  return W.block_offset(t / W.m_tiles(), t % W.m_tiles(), nt);
}

uint64_t mvm_issues(const RecurrentHeader& h, const MvmOp& m, const ArchSpec& arch) {
  const uint64_t k2 = uint64_t(arch.pe_array.kernel) * arch.pe_array.kernel;
  return uint64_t(mvm_row_tiles(h, m, arch.pe_array.lanes)) * ceil_div(mvm_cols(h, m), arch.pe_array.vector * k2);
}

BlockSize block_size(const RecurrentHeader& h, const WeightLayout& W, const ArchSpec& arch, uint32_t t, uint32_t nt) {
  const uint32_t tm = arch.pe_array.lanes, tn = arch.pe_array.vector;
  return {word_rows(h, t, tm).n, std::min(tn, W.in_per_group() - nt * tn)};
}

uint32_t mvm_depth(const ArchSpec& arch) {
  const uint64_t k = arch.pe_array.kernel;
  return arch.buffers.weight_read_latency + arch.pe_array.product_stages +
         clog2(uint64_t(arch.pe_array.vector) * k * k) + 1;
}

std::vector<RowTile> streamed_row_tiles(const RecurrentHeader& h, const RecurrentLayout& L, const ArchSpec& arch) {
  std::vector<RowTile> tiles;
  for (size_t i = 0; i < L.program.size(); ++i) {
    if (!L.program[i].mvm) continue;
    const WeightLayout W = mvm_layout(h, L.program[i].m, arch);
    const uint32_t n = mvm_row_tiles(h, L.program[i].m, arch.pe_array.lanes);
    for (uint32_t mt = 0; mt < n; ++mt)
      tiles.push_back({uint32_t(i), mt, mvm_block_offset(W, mt, 0),
                       mt + 1 < n ? mvm_block_offset(W, mt + 1, 0) : W.total_bytes()});
  }
  return tiles;
}

RecurrentLayout recurrent_layout(const RecurrentHeader& h, const ArchSpec& arch) {
  const uint32_t H = h.hidden;
  RecurrentLayout L;
  auto mvm = [&](bool recurrent, Vec v, uint32_t r0, uint32_t r1) {
    StepOp s;
    s.mvm = true;
    s.m.recurrent = recurrent;
    s.m.vec = v;
    s.m.r0 = r0;
    s.m.r1 = r1;
    L.program.push_back(s);
  };
  auto vec = [&](VecKind k, uint32_t r0, uint32_t r1) {
    StepOp s;
    s.v.kind = k;
    s.v.r0 = r0;
    s.v.r1 = r1;
    L.program.push_back(s);
  };
  if (h.embedding) {
    // no operations: the row is the output
  } else if (h.fc) {
    mvm(false, Vec::x, 0, H);
    vec(VecKind::fc_out, 0, H);
  } else if (h.lstm) {  // gate rows: i [0,H), o [H,2H), f [2H,3H), c [3H,4H)
    mvm(false, Vec::x, 0, 4 * H);
    mvm(true, Vec::h, 0, 4 * H);
    if (!h.peepholes) {
      vec(VecKind::combine, 0, 4 * H);
      vec(VecKind::act_gates, 0, 4 * H);
      vec(VecKind::cell, 0, H);
    } else {  // o's peephole reads the new cell state: its gate waits for it
      vec(VecKind::combine, 0, H);
      vec(VecKind::combine_part, H, 2 * H);
      vec(VecKind::combine, 2 * H, 4 * H);
      vec(VecKind::act_gates, 0, H);
      vec(VecKind::act_gates, 2 * H, 4 * H);
      vec(VecKind::cell, 0, H);
      vec(VecKind::o_finish, H, 2 * H);
      vec(VecKind::act_gates, H, 2 * H);
    }
    vec(VecKind::act_cell, 0, H);
    vec(VecKind::hidden_lstm, 0, H);
  } else if (!h.linear_before_reset) {  // z [0,H), r [H,2H), h [2H,3H)
    mvm(false, Vec::x, 0, 3 * H);
    mvm(true, Vec::h, 0, 2 * H);
    vec(VecKind::combine, 0, 2 * H);
    vec(VecKind::act_gates, 0, 2 * H);
    vec(VecKind::reset_h, 0, H);
    mvm(true, Vec::rh, 2 * H, 3 * H);
    vec(VecKind::combine, 2 * H, 3 * H);
    vec(VecKind::act_gates, 2 * H, 3 * H);
    vec(VecKind::hidden_gru, 0, H);
  } else {
    mvm(false, Vec::x, 0, 3 * H);
    mvm(true, Vec::h, 0, 3 * H);
    vec(VecKind::combine, 0, 2 * H);
    vec(VecKind::act_gates, 0, 2 * H);
    vec(VecKind::reset_q, 0, H);
    vec(VecKind::combine_n, 0, H);
    vec(VecKind::act_gates, 2 * H, 3 * H);
    vec(VecKind::hidden_gru, 0, H);
  }
  uint64_t at = kHeaderWords * 4;
  L.bias = at;
  at = align64(at + uint64_t(h.bias_count()) * 4);
  L.peepholes = at;
  if (h.peepholes) at = align64(at + uint64_t(3) * H * 4);
  L.h0 = at;
  if (h.has_h0) at = align64(at + uint64_t(H) * kSeqBytes);
  L.c0 = at;
  if (h.has_c0) at = align64(at + uint64_t(H) * kSeqBytes);
  L.params_end = at;
  if (h.embedding) {
    L.table = at;
    at = align64(at + uint64_t(h.vocab) * H * kSeqBytes);
  }
  for (StepOp& s : L.program) {
    if (!s.mvm) continue;
    s.m.offset = at;
    at = align64(at + mvm_layout(h, s.m, arch).total_bytes());
  }
  L.weights_end = at;
  return L;
}

}  // namespace shiftsim::models
