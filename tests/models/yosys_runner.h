#pragma once
// Runs Yosys on the calibration Verilog in tests/resources/ (and the RTL's adder tree,
// rtl/adder_tree.v) for the resource model's tests
// (tests/models/test_resources.cpp): synthesis of parameter points with their cell counts,
// and a cycle-by-cycle functional check of a lane's RTL. Needs the `yosys` command.
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "models/resources/resources.h"

namespace shiftsim::test {

// Where the calibration Verilog lives (the adder tree excepted: rtl/).
extern const std::string kVerilogDir;

// One parameter point of a calibration module, with the resource model's estimate for it.
struct Point {
  std::string module;                               // Verilog module in tests/resources/ or rtl/
  std::vector<std::pair<std::string, int>> params;  // chparam values
  models::Resources model;                          // the model's estimate
  // What the point is for (docs/RESOURCES.md): "calibration" (the model's constants were
  // fitted or chosen on it), "held out" (never used to set a constant) or "DSP" (only the
  // DSP count is compared: a multiply Yosys infers, its registers left in the fabric).
  std::string role = "calibration";
  bool dsp_only = false;
  // >= 0: a documented gap, Yosys is expected to give this DSP count instead of the model's
  // (docs/RESOURCES.md explains why from the structure).
  double known_yosys_dsp = -1;
  std::string label() const {
    std::ostringstream s;
    s << module;
    for (size_t i = 0; i < params.size(); ++i)
      s << (i ? ", " : " ") << params[i].first << "=" << params[i].second;
    return s.str();
  }
};

// A fresh scratch directory for one run of the Yosys tests.
std::filesystem::path temp_dir();

bool yosys_available();

// Cells by type, as Yosys's `stat` lists them.
using CellCounts = std::map<std::string, long>;

// One Yosys process synthesizes a group of points: each point is a copy of its module with
// the point's parameters (`copy` + `chparam`), kept as its own module (keep_hierarchy) under
// one top, so the cell libraries are read once per process. Inside a point everything is
// flattened, as a standalone `synth_xilinx -flatten -top <module>` would.
// Synthesizes pts[i] for each i in `group` in `dir` (files numbered `id`) and adds their cell
// counts to out[i]; false with `error` when Yosys fails.
bool run_yosys(const std::vector<size_t>& group, const std::vector<Point>& pts,
               const std::filesystem::path& dir, int id, std::map<size_t, CellCounts>& out,
               std::string& error);

// Cell counts under the counting convention of docs/RESOURCES.md.
struct Counted {
  double lut = 0, ff = 0, dsp = 0, bram36 = 0, carry = 0, muxf = 0;
  std::vector<std::string> unknown;
};

// The counting convention of docs/RESOURCES.md: LUT = LUT1..6, LUT6_2, INV and SRLs (Vivado's
// "CLB LUTs", logic and memory); FF = FDRE/FDSE/FDCE/FDPE; DSP = DSP48E2; BRAM36 = RAMB36E2,
// a RAMB18E2 half; carry chains and
// MUXF7/8/9 are reported, not counted as LUTs.
Counted count(const CellCounts& cells);

// A functional check of a lane's Verilog: Yosys's `sat` evaluates the RTL for `steps`
// cycles with every input given at every cycle (pure evaluation, no search), and each
// output is compared with the contract's arithmetic (§2, §6) applied to the inputs D + 1
// cycles earlier (D = product stages + tree levels). So the calibration Verilog is the
// datapath it claims to be, pipeline alignment included.
struct LaneCheck {
  bool svpe;
  int tn, k, abits, wbits, acc, steps;
};

// Runs the check in `dir` (files numbered `id`); `report` says what was checked and any
// cycle that differs.
bool check_lane(const LaneCheck& c, const std::filesystem::path& dir, int id, std::string& report);

}  // namespace shiftsim::test
