#pragma once
// One lstm or gru layer as the recurrent unit runs it (docs/ARCHITECTURE.md §11): the formats
// its arithmetic needs (the header the mapper writes at the layer's weight_addr), where its
// parameters and weight blocks sit in DRAM, and the micro-program of one time step (matrix-
// vector products on the PE array, then activation and element-wise operations). Plain C++:
// the mapper writes with it, the cycle-mode recurrent unit and fast mode read with it.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "models/arch_spec.h"
#include "models/control/program.h"
#include "models/pe_array/weight_layout.h"

namespace shiftsim::models {

struct Fmt {
  int32_t bits = 16, frac = 0;
};

// The layer's header: 64 little-endian int32 words at weight_addr (kHeaderWords).
struct RecurrentHeader {
  bool lstm = true;
  // A sequence network's fc layer: `steps` of `input` values (each step of a per-step fc, or
  // the whole input once), `hidden` outputs a step, no state between steps.
  bool fc = false, relu = false;
  // A token lookup: each step reads one id (input = 1) and its row of `hidden` values from a
  // table of `vocab` rows; no operations.
  bool embedding = false;
  uint32_t vocab = 0;
  uint32_t steps = 0, input = 0, hidden = 0;  // T, I, H
  bool reverse = false, sequence_output = false, linear_before_reset = false;
  bool peepholes = false, has_h0 = false, has_c0 = false;
  Fmt in, w, r, p, bias, out, cell, sig, tanh, reset_product;
  Fmt gates[4];
  int32_t acc_bits = 48;
  bool resident = true;  // every weight block on chip for the whole layer (loaded once)

  uint32_t gate_count() const { return fc ? 1 : lstm ? 4 : 3; }
  // Biases stored: Wb and Rb per gate row; an fc's one per output.
  uint32_t bias_count() const { return embedding ? 0 : fc ? hidden : 2 * gate_count() * hidden; }
};

constexpr uint32_t kHeaderWords = 64;
std::vector<int32_t> encode_header(const RecurrentHeader& h);
// std::runtime_error for a header the mapper cannot have written (a bug, not user input).
RecurrentHeader decode_header(const uint8_t* bytes);

// A matrix-vector product of the step: rows [r0, r1) of W or R times a vector of the
// register file, into the W x or R h sums of those rows.
enum class Vec : uint32_t { x, h, rh };
struct MvmOp {
  bool recurrent = false;  // R (else W)
  Vec vec = Vec::x;
  uint32_t r0 = 0, r1 = 0;
  // Its weight blocks (mvm_layout: a grouped conv layer's, a group per gate block), one per row
  // tile (up to Tm rows of one block) and column chunk of Tn k^2 columns, at `offset` in the layer.
  uint64_t offset = 0;
};

// What the activation and element-wise units do, element by element (gate_math.h).
enum class VecKind : uint32_t {
  act_gates,     // activation unit: rows of the gate blocks (sigmoid, or tanh for the candidate)
  act_cell,      // activation unit: tanh of the new cell state (lstm)
  combine,       // element-wise: the gate accumulator aligned, summed, requantized
  combine_part,  // element-wise: lstm o without its peephole (the sum, kept)
  o_finish,      // element-wise: lstm o's sum plus P_o c', requantized
  cell,          // element-wise: c' = f c + i g (lstm)
  hidden_lstm,   // element-wise: h' = o tanh(c')
  reset_h,       // element-wise: r h (gru, linear_before_reset 0)
  reset_q,       // element-wise: R_h h + Rb_h in its format (gru, linear_before_reset 1)
  combine_n,     // element-wise: W_h x + Wb_h + r q (gru, linear_before_reset 1)
  hidden_gru,    // element-wise: h' = (1 - z) n + z h
  fc_out,        // element-wise: an fc's W x + b, requantized (ReLU when fused)
};
bool on_activation_unit(VecKind k);
const char* to_string(VecKind k);

struct VecOp {
  VecKind kind = VecKind::combine;
  uint32_t r0 = 0, r1 = 0;  // rows (gate rows, or units j for per-unit kinds): whole gate blocks
  uint32_t elements() const { return r1 - r0; }
};

// Gate-aligned rows (docs/ARCHITECTURE.md §11, a choice): every gate block of H rows (an fc's
// outputs are one block) starts on a word of the Tm lanes, so element j of every gate, and of
// h and c, sits in lane j mod Tm and an operation over several gates needs no rotation between
// the register file's lanes and the units. A block takes ceil(H / Tm) words; a product's row
// tiles and a vector operation's issues are whole words of one block, its last word short when
// H is not a multiple of Tm (its other lanes idle).
uint32_t words_per_block(const RecurrentHeader& h, uint32_t tm);
// An operation's `rows` (r1 - r0) as gate blocks; std::logic_error when they are not whole blocks.
uint32_t gate_blocks(const RecurrentHeader& h, uint32_t rows);
// An operation's `rows` (whole gate blocks) padded to whole words: gate_blocks * words * Tm.
uint32_t aligned_rows(const RecurrentHeader& h, uint32_t rows, uint32_t tm);
// Word w of an operation (w < aligned_rows / Tm): its first row, relative to the operation's r0,
// and its real rows (the lanes that carry an element).
struct WordRows {
  uint32_t row0 = 0, n = 0;
};
WordRows word_rows(const RecurrentHeader& h, uint32_t w, uint32_t tm);
// Issues of a vector operation: its words.
uint64_t vec_issues(const RecurrentHeader& h, const VecOp& op, uint32_t tm);

struct StepOp {
  bool mvm = false;
  MvmOp m;
  VecOp v;
};

// The layer's DRAM region from weight_addr: the header, the bias (Wb then Rb, int32), the
// peepholes (int32), h0 and c0 (int16), then each matrix-vector product's weight blocks.
struct RecurrentLayout {
  uint64_t bias = 0, peepholes = 0, h0 = 0, c0 = 0;
  uint64_t params_end = 0;   // header .. c0
  uint64_t table = 0;        // embedding: the table, vocab x hidden int16, read a row a step
  uint64_t weights_end = 0;  // the end of the last weight block
  std::vector<StepOp> program;  // one step's operations, in order
};

// The pseudo conv descriptor whose WeightLayout packs rows x cols of a matrix for the array.
Descriptor matrix_descriptor(uint32_t rows, uint32_t cols, const ArchSpec& arch);
// A product's weight blocks: the matrix's rows [r0, r1) as a grouped conv layer, a group per gate
// block, so each block's row tiles start on lane 0 (gate-aligned rows) and its last one holds
// only its real rows; the groups' blocks lie back to back.
WeightLayout mvm_layout(const RecurrentHeader& h, const MvmOp& m, const ArchSpec& arch);
uint32_t mvm_cols(const RecurrentHeader& h, const MvmOp& m);
// The product's row tiles across its gate blocks (each a word of the lanes), and where row tile
// t's column chunk nt sits in its layout (tile t of the product is tile t mod m_tiles() of group
// t / m_tiles()).
uint32_t mvm_row_tiles(const RecurrentHeader& h, const MvmOp& m, uint32_t tm);
uint64_t mvm_block_offset(const WeightLayout& W, uint32_t t, uint32_t nt);

RecurrentLayout recurrent_layout(const RecurrentHeader& h, const ArchSpec& arch);

// Issues of a matrix-vector product on the array: per row tile (a word of Tm gate-aligned
// rows), one per column chunk of Tn k^2 columns.
uint64_t mvm_issues(const RecurrentHeader& h, const MvmOp& m, const ArchSpec& arch);

// Streamed weights: the step's row tiles in program order, each with its bytes within the
// product's weight blocks [lo, hi) (contiguous in DRAM). Tile k goes into the weight buffer's
// half k mod 2, and its job is handed with tile k - 1's command (§11).
struct RowTile {
  uint32_t op = 0, mt = 0;  // the program's operation and its row tile
  uint64_t lo = 0, hi = 0;
};
std::vector<RowTile> streamed_row_tiles(const RecurrentHeader& h, const RecurrentLayout& L, const ArchSpec& arch);

// Rows x convolvers (mc x nc) of block (t, nt) of a product's weight blocks, t its row tile
// across the gate blocks (mvm_row_tiles).
struct BlockSize {
  uint32_t mc = 0, nc = 0;
};
BlockSize block_size(const RecurrentHeader& h, const WeightLayout& W, const ArchSpec& arch, uint32_t t, uint32_t nt);

// Fixed latencies of the recurrent unit's pipelines (docs/ARCHITECTURE.md §11, a choice).
constexpr uint32_t kActivationLatency = 3;   // segment select and table read, multiply-add, round/mirror/clamp
constexpr uint32_t kElementwiseLatency = 2;  // multiply (or align), add/round/clamp
// From an issue on the array to its sum in the lane accumulator: the weight block's read,
// the product registers, the adder tree, the accumulate stage.
uint32_t mvm_depth(const ArchSpec& arch);

// Bytes of an int16 tensor element in DRAM for the recurrent unit (every width is <= 16).
constexpr uint32_t kSeqBytes = 2;
// Every recurrent tensor is at most 16 bits (int16 in DRAM, kSeqBytes): the units' and the
// register file's value width, whatever numerics.act_bits is.
constexpr uint32_t kRecurrentValueBits = 16;

}  // namespace shiftsim::models
