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

}  // namespace shiftsim::models
