#!/usr/bin/env bash
# Benchmark: LeNet-5 and AlexNet in cycle mode on the ZCU102 design points with the Verilated
# RTL compute unit (pe_array.impl=rtl) against the native one: the reports' cycles must be
# equal; the table with both wall times goes to docs/rtl_networks.md. Needs a build with
# Verilator (the test binary tests/test_rtl; BUILD names the build directory); takes tens of
# minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/rtl_bench_lib.sh

rtl_bench_header() {
  echo "# Whole networks with the RTL compute unit"
  echo
  echo "Written by \`scripts/bench_rtl_networks.sh\`: \`shiftsim run --mode cycle\` with"
  echo "\`--set pe_array.impl=native\` and \`rtl\` on configs/arch/svpe_zcu102.json and vpe16_zcu102.json,"
  echo "one process at a time. Wall: the whole process; sim: the report's simulation time. $(date -u +%F),"
  echo "$elapsed s in all, on $nproc cores shared with other work (1-minute load average $load_start at the"
  echo "start, $load_end at the end)."
}
rtl_bench SHIFTSIM_RTL_NETWORKS_OUT docs/rtl_networks.md "[.networks]"
