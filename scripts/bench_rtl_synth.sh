#!/usr/bin/env bash
# Benchmark: Yosys synthesis (synth_xilinx -family xcup) of the RTL compute unit at the ZCU102
# design points, SVPE (32, 8, 3) and VPE (16, 4, 3), against the resource model. Too slow for
# the test suite (which synthesizes the small shapes); writes the table to
# docs/rtl_synth_zcu102.md. Needs a build with Verilator (the test binary tests/test_rtl).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
out=docs/rtl_synth_zcu102.md
export SHIFTSIM_RTL_SYNTH_OUT=$PWD/$out.table
export SHIFTSIM_TEST_TMP=${SHIFTSIM_TEST_TMP:-/tmp/shiftsim-rtl-synth}
mkdir -p "$SHIFTSIM_TEST_TMP"
start=$(date +%s)
"${TEST_RTL:-$build/tests/test_rtl}" "[.zcu102]" --success > "$SHIFTSIM_TEST_TMP/bench.log" 2>&1 || status=$?
{
  echo "# RTL compute unit at the ZCU102 points: Yosys against the resource model"
  echo
  echo "Written by \`scripts/bench_rtl_synth.sh\` ($(yosys -V | cut -d' ' -f1-2), synth_xilinx -family xcup,"
  echo "flattened; $(($(date +%s) - start)) s on this machine). docs/RESOURCES.md explains the rows."
  echo
  cat "$SHIFTSIM_RTL_SYNTH_OUT"
} > "$out"
rm -f "$SHIFTSIM_RTL_SYNTH_OUT"
cat "$out"
exit "${status:-0}"
