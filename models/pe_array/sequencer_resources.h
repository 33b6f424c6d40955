#pragma once
// The compute unit's issue sequencer (docs/ARCHITECTURE.md §6-§7; rtl/cu_top.v builds it): the
// issue and preload pointers, the hazard check, the pipeline's control registers, the
// handshakes and the registered outputs to the buffers' ports. docs/RESOURCES.md "The compute
// unit's sequencer" gives each term's source.
#include "models/arch_spec.h"
#include "models/resources/resources.h"

namespace shiftsim::models {

Resources issue_sequencer(const ArchSpec& spec);

// The widths rtl/cu_top.v gives the sequencer's counters and the conv pipeline's depth D, stated
// once for the resource count (issue_sequencer) and the energy model (models/energy/activity.cpp),
// which prices what each issue advances and shifts.
struct SequencerShape {
  static constexpr uint32_t word = 32;   // step, tile, pixel, column and row counters
  static constexpr uint32_t coord = 16;  // the window origin's offsets and quotients; the issue's y, x
  static constexpr uint32_t small = 8;   // piece counters, residues, the issue's rows and cols
  static constexpr uint32_t stage_flags = 5;  // the flags a pipeline stage carries beside the pixel
  static constexpr uint32_t conditions = 20;  // single-LUT conditions of the issue and preload
  uint32_t depth = 0;                    // the conv pipeline's depth D (§6)
};
SequencerShape sequencer_shape(const ArchSpec& spec);
// LUTs of an equality compare of two w-bit values (3 bit pairs a LUT6, then their AND).
double equal_compare_luts(uint32_t w);

}  // namespace shiftsim::models
