#pragma once
// The accelerator program: what the mapper (sim/) writes into DRAM and the controller reads
// back. A descriptor is a fixed block of 32-bit little-endian words (docs/ARCHITECTURE.md §2).
#include <array>
#include <cstdint>
#include <vector>

namespace shiftsim::models {

enum class Op : uint32_t {
  conv = 1,     // convolution / fully connected on the PE array, PPU on the way out
  maxpool = 2,  // pooling unit
  avgpool = 3,
  eltwise = 4,  // element-wise unit: y = relu?(rshift_round((a << la) + (b << lb), rs))
  lstm = 5,     // a whole lstm layer on the recurrent unit (docs/ARCHITECTURE.md §11)
  gru = 6,      // a whole gru layer on the recurrent unit
  seq_fc = 7,   // a sequence network's fc layer (every step, or the whole input) on the recurrent unit
  embedding = 8,  // a language model's token lookup on the recurrent unit
};

// Passes the recurrent unit runs (the load, compute and store units see an empty plan).
inline bool is_recurrent(Op op) { return op == Op::lstm || op == Op::gru || op == Op::seq_fc || op == Op::embedding; }

constexpr uint32_t kDescriptorMagic = 0x53534431;  // "SSD1"
constexpr uint32_t kDescriptorWords = 40;
constexpr uint32_t kDescriptorBytes = kDescriptorWords * 4;

// Register map of the controller (AXI-Lite, 32-bit registers), relative to kRegBase.
constexpr uint64_t kRegBase = 0xA0000000ull;
enum Reg : uint32_t {
  kRegCtrl = 0x00,        // write 1: start
  kRegStatus = 0x04,      // bit 0: done, bit 1: busy
  kRegDescLo = 0x08,      // descriptor list address
  kRegDescHi = 0x0C,
  kRegDescCount = 0x10,
  kRegCyclesLo = 0x14,    // accelerator cycles of the last run
  kRegCyclesHi = 0x18,
};

struct Descriptor {
  Op op = Op::conv;
  uint32_t layer_id = 0;
  // Input tensor(s) and output tensor in DRAM, CHW, one element per act_bytes.
  uint64_t in_addr = 0, in2_addr = 0, out_addr = 0;
  uint64_t weight_addr = 0, bias_addr = 0;
  uint32_t in_c = 0, in_h = 0, in_w = 0;
  uint32_t out_c = 0, out_h = 0, out_w = 0;
  // Channel offset and channel count of the full output tensor (concat writes a slice).
  uint32_t out_c_offset = 0, out_c_total = 0;
  uint32_t kernel = 1, stride = 1, pad = 0, groups = 1;
  uint32_t tile_rows = 1, tile_cols = 1;  // Tr, Tc chosen by the mapper
  uint32_t relu = 0;
  uint32_t shift_right = 0;               // requantization shift (round half up)
  uint32_t shift_a = 0, shift_b = 0;      // eltwise: left alignment of each input
  uint32_t inputs = 1;                    // eltwise: 1 or 2 inputs
  uint32_t saturate = 1;                  // conv: 1 saturate, 0 wrap the accumulator
  // conv on SVPE: the layer's per-sign exponent offsets; a code of magnitude m is
  // +-2^(m-1+offset), the offset of its sign (GSNQ's two windows; 0 otherwise).
  uint32_t w_offset_pos = 0, w_offset_neg = 0;

  std::array<uint32_t, kDescriptorWords> encode() const;
  // Throws std::runtime_error on a bad magic (a corrupt program is a mapper bug, not user input).
  static Descriptor decode(const uint8_t* bytes);
};

}  // namespace shiftsim::models
