// The DMA engines' resources (a structural estimate, not calibrated) and the interconnect's
// (a rough estimate). docs/RESOURCES.md "Other components" gives the sources.
#include "models/memory/memory_resources.h"

#include <algorithm>

#include "models/resources/resources_detail.h"

namespace shiftsim::models {

using namespace resource_detail;

Resources dma(const ArchSpec& spec) {
  check_shape(spec);
  const uint32_t bus = spec.dram.width_bytes * 8;
  const uint32_t bus_bytes = spec.dram.width_bytes;
  // Two engines, load (read) and store (write). Per engine, a structural estimate, not
  // calibrated: a byte realigner (transfers start at any byte: each bus bit selects among
  // bus_bytes bytes, lut6_for_inputs(bus_bytes + log2 bus_bytes) LUTs) with the previous
  // beat held (bus FFs) and an output register (bus FFs); address, remaining-length and
  // burst counters (3 x 40 bits: an adder and a register each); burst splitting at 4 KiB and
  // max_burst_bytes, AXI handshakes: about 100 LUT, 32 FF.
  Resources engine;
  engine.lut = double(bus) * lut6_for_inputs(bus_bytes + clog2(bus_bytes)) + 3 * 40 + 100;
  engine.ff = 2.0 * bus + 3 * 40 + 32;
  Resources r = engine * 2.0;
  // Store side corner turn: the PPU delivers Tm channels of one pixel per cycle, DRAM wants
  // one channel's pixels in a row: a Tm x (bus / act) staging memory in LUTRAM, doubled.
  const uint32_t per_beat = bus / spec.numerics.act_bits;
  r.lut += 2 * lutram_luts(uint64_t(spec.pe_array.lanes) * spec.numerics.act_bits,
                           std::max(per_beat, 1u));
  return r;
}

Resources interconnect(const ArchSpec& spec) {
  check_shape(spec);
  const double bus = spec.dram.width_bytes * 8.0;
  // A rough estimate, not calibrated: read side arbitrates three initiators (controller
  // fetch, load unit, host register reads), write side two; address multiplexers of 40 bits
  // (one LUT per bit per side), round-robin arbiters and response routing (about 100 LUT);
  // a register slice on each DRAM channel (data + 40-bit address + 16 control, in both
  // directions of the handshake: 2 x).
  Resources r;
  r.lut = 2 * 40 + 100;
  r.ff = 2 * 2 * (bus + 40 + 16);
  return r;
}

}  // namespace shiftsim::models
