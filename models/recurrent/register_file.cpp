// The recurrent unit's register file: its memories sized from recurrent.max_rows, and what each
// event of a pass reads and writes in them (docs/RESOURCES.md "Recurrent register file" gives
// the sizes and the mapping, docs/ENERGY.md the prices). The device facts are UG573 (RAMB36 and
// RAMB18 aspect ratios, bram36_for) and UG574 (RAM32M16: 8 LUTs per 32 x 14 bits; RAM64M8:
// 8 LUTs per 64 x 7 bits, each with one write and one read port).
#include "models/recurrent/register_file.h"

#include "models/int_math.h"
#include "models/resources/resources_detail.h"

namespace shiftsim::models {

using namespace resource_detail;

namespace {

// The biases and peepholes as the parameter job brings them (int32 in DRAM).
constexpr uint32_t kParamBits = 32;
// A memory at most this many words deep goes to LUTRAM, a deeper one to block RAM (a choice:
// a RAMB36 is 512 words deep at its widest, so a shallower memory wastes most of it).
constexpr uint64_t kLutramMaxWords = 64;
constexpr uint32_t kRam64m8Luts = 8, kRam64m8Width = 7, kRam64m8Depth = 64;

Resources memory_resources(uint64_t width_bits, uint64_t words, bool block_ram) {
  Resources r;
  if (block_ram) {
    r.bram36 = bram36_for(width_bits, words);
    return r;
  }
  r.lut = words <= kRam32m16Depth ? lutram_luts(width_bits, words)
                                  : double(kRam64m8Luts * ceil_div(width_bits, uint64_t(kRam64m8Width)) *
                                           ceil_div(words, uint64_t(kRam64m8Depth)));
  r.ff = double(width_bits);  // the read register (a block RAM's is inside the block)
  return r;
}

void add(RfAccess& a, RfMem m, bool write, uint8_t n = 1) {
  (write ? a.writes : a.reads)[size_t(m)] += n;
}

}  // namespace

const char* rf_mem_name(RfMem m) {
  switch (m) {
    case RfMem::wx: return "wx_sums";
    case RfMem::rh: return "rh_sums";
    case RfMem::bias_w: return "bias_w";
    case RfMem::bias_r: return "bias_r";
    case RfMem::peep: return "peepholes";
    case RfMem::pre: return "gates";
    case RfMem::act: return "activations";
    case RfMem::part: return "o_sum";
    case RfMem::h: return "h";
    case RfMem::c: return "c";
    case RfMem::tanh_c: return "tanh_c";
    case RfMem::q: return "q";
  }
  return "?";
}

RegisterFile register_file(const ArchSpec& spec) {
  check_shape(spec);
  require(spec.recurrent.max_rows >= 1, "recurrent.max_rows must be >= 1");
  const uint64_t R = spec.recurrent.max_rows, L = ceil_div(R, uint64_t(4)), U = ceil_div(R, uint64_t(3));
  const uint32_t A = spec.numerics.acc_bits, V = kRecurrentValueBits, tm = spec.pe_array.lanes;
  struct Row {
    RfMem m;
    uint64_t rows;
    uint32_t bits, copies;
  };
  // Rows: R for what a gate row indexes (a layer's gate-aligned rows, recurrent_rows, are at most
  // R); a gru's per-unit tensors R/3, an lstm's R/4: with W = ceil(H / Tm) words a block, R >=
  // (g - 1) W Tm + H > (g W - 1) Tm, so ceil(ceil(R / g) / Tm) >= W words hold a block (and two
  // or three such shares hold two or three). h and c hold two halves, the step's state and the
  // next, swapped at the step's end. The activations have three copies: the cell's f c + i g
  // reads f, i and g at once.
  const Row rows[kRfMems] = {
      {RfMem::wx, R, A, 1},        {RfMem::rh, R, A, 1},     {RfMem::bias_w, R, kParamBits, 1},
      {RfMem::bias_r, R, kParamBits, 1}, {RfMem::peep, 3 * L, kParamBits, 1}, {RfMem::pre, R, V, 1},
      {RfMem::act, R, V, 3},       {RfMem::part, L, A + 2, 1}, {RfMem::h, 2 * U, V, 1},
      {RfMem::c, 2 * L, V, 1},     {RfMem::tanh_c, L, V, 1}, {RfMem::q, U, V, 1},
  };
  RegisterFile f;
  for (const Row& r : rows) {
    RfMemory& m = f.mems[size_t(r.m)];
    m.mem = r.m;
    m.rows = r.rows;
    m.bits = r.bits;
    m.copies = r.copies;
    m.words = ceil_div(r.rows, uint64_t(tm));
    m.block_ram = m.words > kLutramMaxWords;
    m.use = memory_resources(uint64_t(tm) * r.bits, m.words, m.block_ram) * double(r.copies);
    f.total += m.use;
  }
  return f;
}

uint64_t recurrent_rows(const RecurrentHeader& h, uint32_t tm) {
  if (h.embedding) return h.hidden;
  // Every gate block but the last takes whole words; the last ends at its own last row.
  return uint64_t(h.gate_count() - 1) * words_per_block(h, tm) * tm + h.hidden;
}

RfAccess rf_element_access(const RecurrentHeader& h, const VecOp& op, uint32_t e) {
  const uint32_t H = h.hidden, row = op.r0 + e;
  RfAccess a;
  switch (op.kind) {
    case VecKind::combine: {  // W x, R h, Wb, Rb; an lstm's i and f add P c
      for (RfMem m : {RfMem::wx, RfMem::rh, RfMem::bias_w, RfMem::bias_r}) add(a, m, false);
      const bool i_or_f = row < H || (row >= 2 * H && row < 3 * H);
      if (h.lstm && h.peepholes && i_or_f) {
        add(a, RfMem::peep, false);
        add(a, RfMem::c, false);
      }
      add(a, RfMem::pre, true);
      break;
    }
    case VecKind::combine_part:
      for (RfMem m : {RfMem::wx, RfMem::rh, RfMem::bias_w, RfMem::bias_r}) add(a, m, false);
      add(a, RfMem::part, true);
      break;
    case VecKind::o_finish:  // the kept sum and P_o c'
      for (RfMem m : {RfMem::part, RfMem::peep, RfMem::c}) add(a, m, false);
      add(a, RfMem::pre, true);
      break;
    case VecKind::act_gates:
      add(a, RfMem::pre, false);
      add(a, RfMem::act, true);
      break;
    case VecKind::act_cell:  // tanh(c')
      add(a, RfMem::c, false);
      add(a, RfMem::tanh_c, true);
      break;
    case VecKind::cell:  // f c + i g
      add(a, RfMem::act, false, 3);
      add(a, RfMem::c, false);
      add(a, RfMem::c, true);
      break;
    case VecKind::hidden_lstm:  // o tanh(c')
      add(a, RfMem::act, false);
      add(a, RfMem::tanh_c, false);
      add(a, RfMem::h, true);
      break;
    case VecKind::reset_h:  // r h, the h gate's product operand: into the array's operand banks
      add(a, RfMem::act, false);
      add(a, RfMem::h, false);
      a.operand_fill = true;
      break;
    case VecKind::reset_q:  // R_h h + Rb_h
      add(a, RfMem::rh, false);
      add(a, RfMem::bias_r, false);
      add(a, RfMem::q, true);
      break;
    case VecKind::combine_n:  // W_h x + Wb_h + r q
      for (RfMem m : {RfMem::wx, RfMem::bias_w, RfMem::act, RfMem::q}) add(a, m, false);
      add(a, RfMem::pre, true);
      break;
    case VecKind::hidden_gru:  // (1 - z) n + z h
      add(a, RfMem::act, false, 2);
      add(a, RfMem::h, false);
      add(a, RfMem::h, true);
      break;
    case VecKind::fc_out:  // W x + b; the output stays in the gates' memory until its store
      add(a, RfMem::wx, false);
      add(a, RfMem::bias_w, false);
      add(a, RfMem::pre, true);
      break;
  }
  return a;
}

void count_rf_element(const ActivityCounter& count, const RecurrentHeader& h, const VecOp& op, uint32_t e,
                      ComponentActions& a) {
  const RfAccess x = rf_element_access(h, op, e);
  for (size_t m = 0; m < kRfMems; ++m)
    if (x.reads[m] || x.writes[m]) count.regfile(RfMem(m), x.reads[m], x.writes[m], a);
  if (x.operand_fill) count.input_fill(1, a);
}

void count_rf_parameters(const ActivityCounter& count, const RecurrentHeader& h, ComponentActions& a) {
  if (h.embedding) return;
  const double H = h.hidden;
  if (h.fc) {
    count.regfile(RfMem::bias_w, 0, H, a);
    return;
  }
  const double gh = double(h.gate_count()) * H;
  count.regfile(RfMem::bias_w, 0, gh, a);
  count.regfile(RfMem::bias_r, 0, gh, a);
  if (h.peepholes) count.regfile(RfMem::peep, 0, 3 * H, a);
  count.regfile(RfMem::h, 0, H, a);  // h0, or zeros
  if (h.lstm) count.regfile(RfMem::c, 0, H, a);
}

void count_rf_step_start(const ActivityCounter& count, const RecurrentHeader& h, ComponentActions& a) {
  if (h.fc) return;
  if (h.embedding) {  // the row, the step's output
    count.regfile(RfMem::pre, 0, h.hidden, a);
    return;
  }
  count.regfile(RfMem::h, h.hidden, 0, a);  // h into the array's operand banks for R h
  count.input_fill(h.hidden, a);
}

void count_rf_store(const ActivityCounter& count, const RecurrentHeader& h, ComponentActions& a) {
  count.regfile(h.fc || h.embedding ? RfMem::pre : RfMem::h, h.hidden, 0, a);
}

void count_rf_sums(const ActivityCounter& count, bool recurrent, uint32_t rows, ComponentActions& a) {
  count.regfile(recurrent ? RfMem::rh : RfMem::wx, 0, rows, a);
}

}  // namespace shiftsim::models
