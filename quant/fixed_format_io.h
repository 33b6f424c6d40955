#pragma once
// A FixedFormat in the model files (.qmodel and the sequence-model file): bits, then frac, each
// an int32.
#include "quant/binfile.h"
#include "quant/qnetwork.h"

namespace shiftsim::quant {

inline void write_format(ByteWriter& w, const FixedFormat& f) {
  w.i32(f.bits);
  w.i32(f.frac);
}

inline FixedFormat read_format(ByteReader& r) {
  FixedFormat f;
  f.bits = r.i32();
  f.frac = r.i32();
  return f;
}

}  // namespace shiftsim::quant
