// Yosys synthesis of the RTL compute unit against the resource model (docs/RESOURCES.md,
// "The RTL compute unit"). The small shapes run in the suite; the ZCU102 shapes take Yosys
// a long time and run as a benchmark (scripts/bench_rtl_synth.sh, hidden tag [.zcu102]).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>

#include "tests/models/yosys_runner.h"
#include "tests/rtl/rtl_synthesis.h"
#include "tests/support/cli.h"

using namespace shiftsim;
using namespace shiftsim::test;

namespace {
const char* kHeader =
    "| shape | block | LUT model | LUT Yosys | err | FF model | FF Yosys | err | DSP model | DSP Yosys | CARRY | "
    "MUXF7/8/9 | Yosys s |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";

double rel(double model, double yosys) { return std::abs(model - yosys) / yosys; }

// Synthesizes the shapes, writes their table to `out`, and holds the model to Yosys: DSPs
// exact, LUT and FF of the lane within 10%, of the whole unit within `unit_bound`.
void check_shapes(const std::vector<RtlSynthShape>& shapes, const std::string& out, double unit_bound) {
  if (!yosys_available()) {
    WARN("yosys not found: synthesis not checked");
    return;
  }
  std::string table = kHeader;
  for (size_t i = 0; i < shapes.size(); ++i) {
    const RtlSynthShape& s = shapes[i];
    // A directory per shape: each keeps its Yosys scripts, logs and statistics.
    const auto rows = synthesize(s, scratch_dir("rtl-synth-" + std::to_string(i)));
    table += synth_table(s, rows);
    for (const RtlSynthRow& r : rows) {
      INFO(s.label() << " " << r.what << ": LUT " << r.model.lut << " vs " << r.yosys.lut << ", FF " << r.model.ff
                     << " vs " << r.yosys.ff << ", DSP " << r.model.dsp << " vs " << r.yosys.dsp);
      CHECK(r.model.dsp == r.yosys.dsp);
      const double bound = r.what == "one lane" ? 0.10 : unit_bound;
      CHECK(rel(r.model.lut, r.yosys.lut) <= bound);
      CHECK(rel(r.model.ff, r.yosys.ff) <= bound);
    }
  }
  std::ofstream(out) << table;
  WARN(table);
}

std::string out_file(const char* name) {
  const char* env = std::getenv("SHIFTSIM_RTL_SYNTH_OUT");
  if (env && *env) return env;
  const char* tmp = std::getenv("SHIFTSIM_TEST_TMP");
  return std::string(tmp && *tmp ? tmp : "/tmp") + "/" + name;
}
}  // namespace

TEST_CASE("synthesis: the small shapes against the resource model") {
  check_shapes({{models::ArrayKind::svpe, 4, 2, 3, 16, 3}, {models::ArrayKind::vpe, 4, 2, 3, 16, 16}},
               out_file("rtl_synth_small.md"), 0.10);
}

TEST_CASE("synthesis: the ZCU102 shapes against the resource model", "[.zcu102]") {
  check_shapes({{models::ArrayKind::svpe, 32, 8, 3, 16, 3}, {models::ArrayKind::vpe, 16, 4, 3, 16, 16}},
               out_file("rtl_synth_zcu102.md"), 0.10);
}
