# Sourced by scripts/bench_rtl_*.sh: runs one hidden-tag benchmark of the test binary
# tests/test_rtl, which writes its table to the file named by an environment variable, and puts
# that table under the caller's header into a docs file. The docs file is replaced only once the
# table exists, through a temporary file, so that a failed or interrupted benchmark never leaves
# a half-written page.
#
# usage: rtl_bench ENV_VAR DOC TAG [test arguments...]
#   the caller defines rtl_bench_header, which prints the page's header; it may use $elapsed
#   (seconds), $load_start and $load_end (1-minute load averages), $nproc.
# BUILD (default build) is the build directory; TEST_RTL overrides the test binary.
rtl_bench() {
  local var=$1 doc=$2 tag=$3
  shift 3
  local test_rtl=${TEST_RTL:-${BUILD:-build}/tests/test_rtl}
  if [[ ! -x $test_rtl ]]; then
    echo "$0: $test_rtl not found: build the target test_rtl with Verilator installed, or set BUILD or TEST_RTL" >&2
    exit 2
  fi
  local table=$PWD/$doc.table
  export "$var=$table"
  export SHIFTSIM_TEST_TMP=${SHIFTSIM_TEST_TMP:-/tmp/shiftsim-$(basename "$0" .sh)}
  mkdir -p "$SHIFTSIM_TEST_TMP"
  local log=$SHIFTSIM_TEST_TMP/bench.log
  rm -f "$table"
  nproc=$(nproc)
  load_start=$(cut -d' ' -f1 /proc/loadavg)
  local start status=0
  start=$(date +%s)
  "$test_rtl" "$tag" "$@" > "$log" 2>&1 || status=$?
  elapsed=$(($(date +%s) - start))
  load_end=$(cut -d' ' -f1 /proc/loadavg)
  if [[ ! -s $table ]]; then
    tail -20 "$log" >&2
    echo "$0: the benchmark wrote no table (exit $status): $doc left as it was; the log is $log" >&2
    exit 1
  fi
  { rtl_bench_header; echo; cat "$table"; } > "$doc.tmp"
  mv "$doc.tmp" "$doc"
  rm -f "$table"
  cat "$doc"
  if ((status != 0)); then
    echo "$0: the benchmark's checks failed (exit $status), see $log" >&2
    exit "$status"
  fi
}
