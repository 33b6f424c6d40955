#!/usr/bin/env bash
# Benchmark: Yosys synthesis (synth_xilinx -family xcup) of the RTL compute unit at the ZCU102
# design points, SVPE (32, 8, 3) and VPE (16, 4, 3), against the resource model. Too slow for
# the test suite (which synthesizes the small shapes); writes the table to
# docs/rtl_synth_zcu102.md. Needs a build with Verilator (the test binary tests/test_rtl; BUILD
# names the build directory).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/rtl_bench_lib.sh

rtl_bench_header() {
  echo "# RTL compute unit at the ZCU102 points: Yosys against the resource model"
  echo
  echo "Written by \`scripts/bench_rtl_synth.sh\` ($(yosys -V | cut -d' ' -f1-2), synth_xilinx -family xcup,"
  echo "flattened; $elapsed s on this machine). docs/RESOURCES.md explains the rows."
}
rtl_bench SHIFTSIM_RTL_SYNTH_OUT docs/rtl_synth_zcu102.md "[.zcu102]" --success
