#!/usr/bin/env bash
# The speed figures of docs/SWEEPS.md ("Measured"): the 200-point AlexNet sweep
# (configs/sweeps/alexnet_200.json) with fast-mode child runs, then with the timing model, both
# at -j 2, from an empty output directory; per point, from the database: the whole evaluation,
# the child run, the simulation inside it, and what is left (the overhead beyond the
# simulation). A benchmark, not a test: run it on a quiet machine and read the load average.
#   scripts/bench_sweep.sh [BUILD_DIR] [OUT_DIR] [ENGINES...]   (engines: run model; default both)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${2:-/tmp/shiftsim-bench-sweep}
shift $(( $# > 2 ? 2 : $# ))
engines=("$@")
[ ${#engines[@]} -gt 0 ] || engines=(run model)
bin=$build/shiftsim
[ -x "$bin" ] || { echo "no $bin: build shiftsim first" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 shell (Debian sqlite3)" >&2; exit 2; }
mkdir -p "$out"
for engine in "${engines[@]}"; do
  rm -rf "${out:?}/$engine"
  echo "== $engine: load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  t0=$(date +%s.%N)
  "$bin" sweep configs/sweeps/alexnet_200.json -j 2 --engine "$engine" --out "$out/$engine" >"$out/$engine.txt" 2>&1
  t1=$(date +%s.%N)
  echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  grep -E '^(sweep|evaluated)' "$out/$engine.txt" | sed 's/^/   /'
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "   wall %.1f s\n", b - a }'
  sqlite3 -header -column "$out/$engine/results.db" "
    SELECT count(*) AS done_points,
           printf('%.4f', avg(wall_seconds)) AS whole_s,
           printf('%.4f', avg(child_seconds)) AS child_s,
           printf('%.4f', avg(sim_seconds)) AS simulation_s,
           printf('%.4f', avg(wall_seconds - sim_seconds)) AS beyond_simulation_s,
           printf('%.4f', avg(wall_seconds - child_seconds)) AS sweeps_own_s
    FROM points WHERE status = 'done'" | sed 's/^/   /'
  # Beyond every evaluation, the sweep's whole time on both workers: planning, scheduling,
  # the SQLite commits, the report and plots.
  sqlite3 "$out/$engine/results.db" "SELECT count(*), sum(wall_seconds) FROM points WHERE status = 'done'" |
    awk -F'|' -v a="$t0" -v b="$t1" '{ printf "   outside the evaluations: %.1f ms per point (2 x wall - sum of evaluations, over %d points)\n", 1000 * (2 * (b - a) - $2) / $1, $1 }'
done
