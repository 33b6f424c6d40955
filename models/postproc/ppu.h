#pragma once
// The post-processing unit's arithmetic (docs/ARCHITECTURE.md §8): accumulator overflow policy,
// requantization by an arithmetic right shift with round-half-up, ReLU, clamp to the activation
// width. One output value per lane per cycle.
#include <cstdint>

#include "models/arch_spec.h"
#include "models/control/program.h"

namespace shiftsim::models {

struct PpuOp {
  bool apply_overflow = false;  // conv accumulators only
  bool saturate = true;
  uint32_t acc_bits = 48;
  uint32_t shift = 0;
  bool relu = false;
  uint32_t act_bits = 16;
};

// What the PPU does to pass `d`'s values on machine `arch`.
inline PpuOp ppu_op(const Descriptor& d, const ArchSpec& arch) {
  PpuOp op;
  op.apply_overflow = d.op == Op::conv;
  op.saturate = d.saturate != 0;
  op.acc_bits = arch.numerics.acc_bits;
  op.shift = d.shift_right;
  op.relu = d.relu != 0;
  op.act_bits = arch.numerics.act_bits;
  return op;
}

inline int64_t rshift_round_half_up(int64_t x, uint32_t s) {
  return s == 0 ? x : (x + (int64_t(1) << (s - 1))) >> s;
}

inline int16_t ppu_output(int64_t v, const PpuOp& op, uint64_t& saturations) {
  if (op.apply_overflow) {
    const int64_t hi = (int64_t(1) << (op.acc_bits - 1)) - 1, lo = -hi - 1;
    if (op.saturate) {
      if (v > hi || v < lo) {
        ++saturations;
        v = v > hi ? hi : lo;
      }
    } else {  // wrap: keep the low acc_bits bits, sign-extended
      const uint32_t drop = 64 - op.acc_bits;
      v = int64_t(uint64_t(v) << drop) >> drop;
    }
  }
  v = rshift_round_half_up(v, op.shift);
  if (op.relu && v < 0) v = 0;
  const int64_t amax = (int64_t(1) << (op.act_bits - 1)) - 1, amin = -amax - 1;
  return int16_t(v > amax ? amax : (v < amin ? amin : v));
}

}  // namespace shiftsim::models
