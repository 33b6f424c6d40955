#pragma once
// Merges a second VCD (the Verilated RTL's own signals) into the machine's, so that one file
// holds both (docs/RTL.md, "VCD"). Streams both files: memory holds one value per signal of the
// second file, never a whole file. The second file's identifier codes are renamed so that they
// cannot collide with the first's, its scopes are nested inside one of the first's, its changes
// are kept only inside the windows the first file shows (its cycle window and layer filter),
// and at each window's start its values are written as a $dumpvars, so that a window is
// self-contained as the machine's own windows are.
#include <cstdint>
#include <string>
#include <vector>

namespace shiftsim::models {

// A span of simulated time the machine's trace shows: [begin_ps, end_ps).
struct VcdWindow {
  uint64_t begin_ps = 0, end_ps = 0;
};

struct VcdMergeSpec {
  std::string base;              // the machine's VCD
  std::string extra;             // the VCD merged into it
  std::string out;               // written as out + ".part", renamed to out when complete
  std::vector<std::string> at;   // the base's scope to nest the extra's in ({"accelerator", "compute_unit"})
  std::string scope = "rtl";     // the scope the extra's signals appear under there
  std::vector<VcdWindow> windows;  // sorted, disjoint; the extra's changes outside them are dropped
};

// Throws std::runtime_error naming the file on anything it cannot read or write, or a file
// that is not a VCD it understands; `out` is then left untouched and no ".part" file remains.
void merge_vcd(const VcdMergeSpec& spec);

}  // namespace shiftsim::models
