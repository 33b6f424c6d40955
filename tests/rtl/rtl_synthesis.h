#pragma once
// Yosys synthesis of the RTL compute unit (rtl/*.v, docs/RTL.md) for one shape, beside the
// resource model's count of the same blocks (docs/RESOURCES.md): the whole unit against the
// PE array and window generator, and one lane against the model's lane with its weight
// registers.
#include <filesystem>
#include <string>

#include "models/arch_spec.h"
#include "models/resources/resources.h"

namespace shiftsim::test {

struct RtlSynthShape {
  models::ArrayKind kind;
  unsigned lanes, vector, kernel, act_bits, weight_bits;
  std::string label() const;
};

struct RtlSynthRow {
  std::string what;                // "whole unit" or "one lane"
  models::Resources model, yosys;  // yosys.lut counts LUTs and SRLs, as docs/RESOURCES.md counts
  long carry = 0, muxf = 0;        // reported, not compared
  double seconds = 0;              // Yosys's wall time
};

// The machine the model costs for the shape (48-bit accumulators, no guard bits).
models::ArchSpec synth_arch(const RtlSynthShape& s);
// Synthesizes the shape in `dir` (flattened, synth_xilinx -family xcup); the rows for the whole
// unit and one lane. Throws std::runtime_error when Yosys fails or emits a cell type the
// counting table does not know.
std::vector<RtlSynthRow> synthesize(const RtlSynthShape& s, const std::filesystem::path& dir);
// A markdown table of the rows, with the model's error against Yosys.
std::string synth_table(const RtlSynthShape& s, const std::vector<RtlSynthRow>& rows);

}  // namespace shiftsim::test
