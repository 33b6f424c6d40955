#!/usr/bin/env bash
# Benchmark: LeNet-5 and AlexNet in cycle mode on the ZCU102 design points with the Verilated
# RTL compute unit (pe_array.impl=rtl) against the native one: the reports' cycles must be
# equal; the table with both wall times goes to docs/rtl_networks.md. Needs a build with
# Verilator (the test binary tests/test_rtl); takes tens of minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
out=docs/rtl_networks.md
export SHIFTSIM_RTL_NETWORKS_OUT=$PWD/$out.table
export SHIFTSIM_TEST_TMP=${SHIFTSIM_TEST_TMP:-/tmp/shiftsim-rtl-networks}
mkdir -p "$SHIFTSIM_TEST_TMP"
"${TEST_RTL:-$build/tests/test_rtl}" "[.networks]" > "$SHIFTSIM_TEST_TMP/bench.log" 2>&1 || status=$?
{
  echo "# Whole networks with the RTL compute unit"
  echo
  echo "Written by \`scripts/bench_rtl_networks.sh\`: \`shiftsim run --mode cycle\` with"
  echo "\`--set pe_array.impl=native\` and \`rtl\` on configs/arch/svpe_zcu102.json and vpe16_zcu102.json."
  echo "Wall: the whole process; sim: the report's simulation time. $(nproc) cores, shared; $(date -u +%F)."
  echo
  cat "$SHIFTSIM_RTL_NETWORKS_OUT"
} > "$out"
rm -f "$SHIFTSIM_RTL_NETWORKS_OUT"
cat "$out"
exit "${status:-0}"
