#pragma once
// The activation unit's arithmetic: sigmoid and tanh of a fixed-point value, from a ROM of 512
// chord segments per function (docs/QUANTIZATION.md, "Fixed-point sigmoid and tanh", defines
// it; the golden executor's quant/fixed_act.h is the reference it must equal bit for bit,
// which tests/models/test_recurrent_units.cpp checks exhaustively). Plain C++, shared by both
// simulation modes as the PPU's arithmetic is.
#include <cstdint>

#include "models/recurrent/recurrent_layer.h"

namespace shiftsim::models {

enum class ActFn { sigmoid, tanh };

// f(x * 2^-in.frac) in format `out`: the segment and offset from the bits of |x|, value plus
// slope times offset at 30 + max(in.frac, 0) fraction bits, rounded half up to out.frac,
// mirrored for negative x, clamped to out.bits.
int64_t activation(ActFn f, int64_t x, Fmt in, Fmt out);

// The ROM as the activation unit holds it, for the resource and energy models: its entries
// (both functions' segments), the widths of a segment's value and slope (unsigned, measured
// on the ROM as built), their fraction bits, and how far left a segment index can be shifted
// (the finest segment's fraction bits: an input with fewer fraction bits is shifted up).
struct ActivationRomShape {
  uint32_t entries = 0, value_bits = 0, slope_bits = 0, coeff_frac = 0, max_segment_frac = 0;
};
ActivationRomShape activation_rom_shape();

// Segment `segment` (0..entries/2 - 1) of f's ROM as the unit holds it: its start value and
// slope, unsigned, at coeff_frac fraction bits (the Verilated activation lane's ROM image).
struct ActivationRomEntry {
  int64_t value = 0, slope = 0;
};
ActivationRomEntry activation_rom_entry(ActFn f, uint32_t segment);

}  // namespace shiftsim::models
