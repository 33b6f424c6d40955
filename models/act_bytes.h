#pragma once
// How an activation sits in DRAM: act_bytes (1 or 2) little-endian two's complement bytes.
// The mapper writes and reads tensors with these; the DMA units convert with them.
#include <cstdint>

#include "models/arch_spec.h"

namespace shiftsim::models {

// Bytes of one activation: 1 up to 8 bits, else 2.
inline uint32_t act_bytes(const ArchSpec& arch) { return arch.numerics.act_bits <= 8 ? 1 : 2; }

inline int16_t load_act(const uint8_t* b, uint32_t act_bytes) {
  return act_bytes == 1 ? int16_t(int8_t(b[0])) : int16_t(uint16_t(b[0] | (b[1] << 8)));
}

inline void store_act(uint8_t* b, int16_t v, uint32_t act_bytes) {
  b[0] = uint8_t(uint16_t(v) & 0xFF);
  if (act_bytes == 2) b[1] = uint8_t(uint16_t(v) >> 8);
}

}  // namespace shiftsim::models
