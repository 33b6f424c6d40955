// The input, weight and output buffers' memories, by their word width and depth (structural:
// UG573's block RAM and URAM aspect ratios, models/resources/resources.cpp). docs/RESOURCES.md
// "Buffers" explains each choice.
#include "models/buffers/buffer_resources.h"

#include "models/act_bytes.h"

#include "models/resources/resources_detail.h"

namespace shiftsim::models {

using namespace resource_detail;

namespace {

// One memory of width_bits x depth, in BRAM36 or in URAM288.
void memory(uint64_t width_bits, uint64_t depth, bool uram, Resources& r) {
  if (uram)
    r.uram += uram_for(width_bits, depth);
  else
    r.bram36 += bram36_for(width_bits, depth);
}

}  // namespace

Resources input_buffer(const ArchSpec& spec, const ResourceOptions& opt) {
  check_shape(spec);
  const PeArraySpec& pe = spec.pe_array;
  const uint32_t k2 = pe.kernel * pe.kernel;
  // Choice (docs/RESOURCES.md "Buffers"): each half is k x k banks interleaved by
  // (y mod k, x mod k), each bank Tn activations wide, so that any k x k window at any
  // position and stride reads one word from each bank: Tn k^2 activations per cycle, the
  // window the array consumes each cycle (§6), without a line buffer.
  const uint64_t entries = uint64_t(spec.buffers.input_kib) * 1024 / act_bytes(spec);
  const uint64_t width = uint64_t(pe.vector) * spec.numerics.act_bits;
  const uint64_t depth = ceil_div(entries, uint64_t(pe.vector) * k2);
  Resources half;
  for (uint32_t b = 0; b < k2; ++b) memory(width, depth, opt.buffers_in_uram, half);
  return half * 2.0;
}

Resources weight_buffer(const ArchSpec& spec, const ResourceOptions& opt) {
  check_shape(spec);
  const PeArraySpec& pe = spec.pe_array;
  // A piece can be one cycle long (a 1 x 1 output tile) and its successor's weights load
  // during it (§6): the buffer reads a whole array's weight set, Tm Tn k^2 weights, per
  // cycle. SVPE weights are codes of weight_bits; VPE weights weight_bits wide.
  const uint64_t width =
      uint64_t(pe.lanes) * pe.vector * pe.kernel * pe.kernel * spec.numerics.weight_bits;
  const uint64_t depth = ceil_div(uint64_t(spec.buffers.weight_kib) * 1024 * 8, width);
  Resources half;
  memory(width, depth, opt.buffers_in_uram, half);
  return half * 2.0;
}

Resources output_buffer(const ArchSpec& spec, const ResourceOptions& opt) {
  check_shape(spec);
  // One word per output pixel holding all Tm lanes' accumulators (acc_bits + guard bits
  // each); every cycle each lane reads its entry and writes one back (a read port and a
  // write port: simple dual port). Capacity counts ceil(acc_bits/8) bytes per entry (§5).
  const uint32_t lanes = spec.pe_array.lanes;
  const uint64_t width = uint64_t(lanes) * acc_entry_bits(spec);
  const uint64_t entry_bytes = ceil_div(spec.numerics.acc_bits, 8);
  const uint64_t depth = ceil_div(uint64_t(spec.buffers.output_kib) * 1024, lanes * entry_bytes);
  Resources half;
  memory(width, depth, opt.buffers_in_uram, half);
  return half * 2.0;
}

}  // namespace shiftsim::models
