// The issue sequencer's count, term by term from the registers and the logic of rtl/cu_top.v
// (structural: no constant is fitted to a synthesis; tests/rtl/test_rtl_synthesis.cpp holds the
// whole compute unit, of which this is a part, to Yosys's count).
#include "models/pe_array/sequencer_resources.h"

#include <algorithm>

#include "models/resources/resources_detail.h"

namespace shiftsim::models {

using namespace resource_detail;

// LUTs for an equality compare of two w-bit values: 3 bit pairs a LUT6, then their AND.
double equal_compare_luts(uint32_t w) {
  const uint32_t pairs = uint32_t(ceil_div(w, 3));
  return pairs + (pairs > 1 ? lut6_for_inputs(pairs) : 0);
}

SequencerShape sequencer_shape(const ArchSpec& spec) {
  check_shape(spec);
  const PeArraySpec& pe = spec.pe_array;
  const BufferSpec& b = spec.buffers;
  const uint32_t products = pe.vector * pe.kernel * pe.kernel;
  SequencerShape q;
  // The conv pipeline's depth D (§6): the window's read, the products and adder tree, the
  // accumulate stage.
  q.depth = b.input_read_latency + std::max(pe.product_stages + clog2(products), b.output_read_latency) + 1;
  return q;
}

Resources issue_sequencer(const ArchSpec& spec) {
  const SequencerShape q = sequencer_shape(spec);
  const uint32_t depth = q.depth;
  // rtl/cu_top.v's counter widths
  constexpr uint32_t kWord = SequencerShape::word, kCoord = SequencerShape::coord, kSmall = SequencerShape::small;
  Resources r;

  // Registers.
  // The issue pointer: step, tile, pixel and its column and row (32 bits); the piece and its
  // column and row (8); the window origin's offsets cx, cy, ox, oy and the quotients by k of
  // cx, cy (16); their residues (8).
  r.ff += 5.0 * kWord + 3.0 * kSmall + 6.0 * kCoord + 2.0 * kSmall;
  // The preload pointer (step 32, piece 8) and the shadow set's two state bits; the hazard
  // history (the last issue's valid bit and pixel).
  r.ff += kWord + kSmall + 2 + 1 + kWord;
  // Layer and status bits (running, seen, active, busy, hazard, a delayed swap) and the four
  // handshake toggles and two out-started toggles.
  r.ff += 6 + 6;
  // Registered outputs: the issue (4 flags, step, y, x, rows, cols; its pixel is the hazard
  // history's register), the preload (valid, step, piece), the accumulate stage's read and
  // retire (flags, pixels), the step and tile pointers shown to the trace.
  r.ff += 4 + kWord + 2.0 * kCoord + 2.0 * kSmall;
  r.ff += 1 + kWord + kSmall;
  r.ff += 2 + kWord + 4 + kWord;
  r.ff += 2.0 * kWord;
  // The pipeline's control: stages 1..D-1 carry the issue's pixel and five flags; one valid bit
  // a stage is shown.
  r.ff += double(depth - 1) * (kWord + SequencerShape::stage_flags) + depth;

  // Logic.
  // Increments of the step, tile, pixel, column, row and preload-step counters and of the three
  // piece counters and the preload piece (one LUT a bit on the carry chain), and every
  // pointer's next-value select (hold, step, clear: one LUT a bit, the clock enable and reset
  // pins taking the rest).
  r.lut += 6.0 * kWord + 4.0 * kSmall;
  r.lut += 6.0 * kWord + 4.0 * kSmall + 6.0 * kCoord + 2.0 * kSmall + 2.0 * kWord;
  // The origin's adders: cx, cy + stride; their quotients + stride div k + carry; ox, oy + k;
  // the residues + stride mod k and their wrap by -k; the issue's y, x (= c + o).
  r.lut += 6.0 * kCoord + 4.0 * kSmall + 2.0 * kCoord;
  // The piece's extent (kernel - oy, kernel - ox) and its clamp to k.
  r.lut += 2.0 * kSmall + 2.0 * kSmall;
  // Compares: the last pixel, last column and hazard (32-bit equal), the steps left for issue
  // and preload (32-bit less-than on the carry chain), the three piece counters' last (8-bit
  // equal), the residues' wrap.
  r.lut += 3.0 * equal_compare_luts(kWord) + 2.0 * kWord + 3.0 * equal_compare_luts(kSmall) + 2.0 * lut6_for_inputs(kSmall + 1);
  // The first stage's pixel (0 outside a conv pass), the retire's pixel select (conv or
  // pooling depth), and the issue condition's gates: the round start (pixel 0, a 32-input NOR)
  // and about twenty single-LUT conditions (go, blocks, swap, step end, tile and layer last,
  // the handshakes' next toggles, the preload's go).
  r.lut += 2.0 * kWord + lut6_for_inputs(kWord) + SequencerShape::conditions;
  return r;
}

}  // namespace shiftsim::models
