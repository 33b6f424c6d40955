#!/usr/bin/env bash
# Benchmark: Yosys synthesis (synth_xilinx -family xcup) of the RTL compute unit at the ZCU102
# design points, SVPE (32, 8, 3) and VPE (16, 4, 3), against the resource model. Too slow for
# the test suite (which synthesizes the small shapes); writes the table to
# docs/rtl_synth_zcu102.md. Needs a build with Verilator (the test binary tests/test_rtl; BUILD
# names the build directory).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/rtl_bench_lib.sh
# Yosys's counts are kept by the key of their input (script, Verilog, Yosys version), so a rerun
# after a resource-model change takes seconds; a changed Verilog file is synthesized again.
export SHIFTSIM_YOSYS_CACHE=${SHIFTSIM_YOSYS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shiftsim/yosys}

rtl_bench_header() {
  echo "# RTL compute unit at the ZCU102 points: Yosys against the resource model"
  echo
  echo "Written by \`scripts/bench_rtl_synth.sh\` ($(yosys -V | cut -d' ' -f1-2), synth_xilinx -family xcup,"
  echo "flattened). The column \"Yosys s\" is each synthesis's own time on this machine; this run of the"
  echo "script took $elapsed s, Yosys's counts of unchanged Verilog coming from its cache. docs/RESOURCES.md"
  echo "explains the rows."
}
rtl_bench SHIFTSIM_RTL_SYNTH_OUT docs/rtl_synth_zcu102.md "[.zcu102]" --success
