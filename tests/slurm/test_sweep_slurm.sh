#!/usr/bin/env bash
# `shiftsim sweep --slurm` through a real Slurm: starts a single-node Slurm on localhost
# (local_slurm.sh, beside this file), submits a small sweep as a job array, checks what a
# resume does while the job is queued, lets it run, collects it, and requires the merged rows
# to equal a local run's. Exits 77 (CTest: skipped) where Slurm cannot start, saying why;
# stops its daemons whatever happens; every wait is bounded.
#   test_sweep_slurm.sh SHIFTSIM_BIN [TMP_ROOT]
set -uo pipefail
bin=$1
tmp_root=${2:-/tmp}
here=$(cd "$(dirname "$0")" && pwd)

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIPPED: $*"; exit 77; }
command -v sqlite3 >/dev/null 2>&1 || skip "no sqlite3 shell (Debian sqlite3) to compare the databases"

mkdir -p "$tmp_root"
work=$(mktemp -d "$tmp_root/sweep-slurm.XXXXXX")
# The daemons under /tmp: the munge socket's path must fit in 108 bytes.
daemons=$(mktemp -d /tmp/shiftsim-slurm.XXXXXX)
cleanup() {
  "$here/local_slurm.sh" stop "$daemons"
  rm -rf "$daemons"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# 1. Slurm.
timeout 90 "$here/local_slurm.sh" start "$daemons" >"$work/start.txt" 2>&1
rc=$?
[ $rc -eq 124 ] && skip "Slurm did not come up within 90 s: $(tail -n 3 "$work/start.txt")"
[ $rc -ne 0 ] && skip "$(tail -n 3 "$work/start.txt")"
export SLURM_CONF=$daemons/slurm.conf
echo "single-node Slurm up: $SLURM_CONF"

# 2. The sweep: six points of the tiny network, run here first for reference.
src=$(cd "$here/../.." && pwd)
cat >"$work/s.json" <<JSON
{"schema": "shiftsim.sweep", "version": 1, "name": "slurm_test",
 "base": "$src/configs/arch/svpe_zcu102.json", "networks": ["$src/configs/nets/tiny.json"],
 "parameters": {"pe_array.lanes": [8, 16, 32], "pe_array.vector": [4, 8]},
 "objectives": ["cycles", "energy_mj", "dsp", "lut"]}
JSON
"$bin" sweep "$work/s.json" --out "$work/local" -j 2 >"$work/local.txt" 2>&1 || fail "local sweep: $(cat "$work/local.txt")"

# 3. Submitted held, so that what a resume does while the job waits is certain.
"$bin" sweep "$work/s.json" --out "$work/cluster" --slurm --tasks 3 --sbatch-arg=--hold >"$work/submit.txt" 2>&1 ||
  fail "--slurm: $(cat "$work/submit.txt")"
cat "$work/submit.txt"
batch=$work/cluster/slurm/batch-001
id=$(cat "$batch/job_id" 2>/dev/null) || fail "no job id in $batch"
grep -q "submitted Slurm job $id: 6 points in 3 tasks" "$work/submit.txt" || fail "submission: $(cat "$work/submit.txt")"
grep -q -- "--array=0-2" "$batch/job.sh" || fail "job script: $(cat "$batch/job.sh")"
[ "$(squeue -h -j "$id" -o %j | head -n 1)" = shiftsim-slurm_test ] || fail "job name: $(squeue -j "$id" -o %j)"

# While it is queued, neither a resume nor another --slurm evaluates its points again.
"$bin" sweep "$work/s.json" --out "$work/cluster" >"$work/resume.txt" 2>&1 || fail "resume: $(cat "$work/resume.txt")"
grep -q "6 queued or running in Slurm, 0 to evaluate" "$work/resume.txt" || fail "resume while queued: $(cat "$work/resume.txt")"
"$bin" sweep "$work/s.json" --out "$work/cluster" --slurm >"$work/again.txt" 2>&1 || fail "second --slurm: $(cat "$work/again.txt")"
grep -q "6 queued or running in Slurm, 0 to submit" "$work/again.txt" || fail "second --slurm: $(cat "$work/again.txt")"
[ ! -e "$work/cluster/slurm/batch-002" ] || fail "a second batch was written for points already queued"

# 4. Run it and wait (bounded) until Slurm lists none of its tasks.
scontrol release "$id" || fail "scontrol release $id"
deadline=$((SECONDS + 90))
while [ -n "$(squeue -h -j "$id" -o %i 2>/dev/null)" ]; do
  [ $SECONDS -lt $deadline ] || fail "job $id still queued or running after 90 s: $(squeue -j "$id"; tail -n 20 "$daemons/slurmd.log")"
  sleep 0.5
done
for k in 0 1 2; do
  [ -f "$batch/task-$k.out" ] || fail "task $k never ran (no $batch/task-$k.out): $(tail -n 20 "$daemons/slurmd.log")"
  n=$(grep -c . "$batch/task-$k.results" 2>/dev/null || echo 0)
  [ "$n" -eq 2 ] || fail "task $k wrote $n results, not 2: $(cat "$batch/task-$k.out")"
done
echo "job $id finished: $(cat "$batch"/task-*.out | grep -c ': done in') points done by its tasks"

# 5. Collect, then the merged rows must equal the local run's (timings aside).
"$bin" sweep "$work/s.json" --out "$work/cluster" --collect >"$work/collect.txt" 2>&1 || fail "--collect: $(cat "$work/collect.txt")"
cat "$work/collect.txt" | head -n 3
grep -q "6 results read, 6 merged into the database, 0 already there" "$work/collect.txt" || fail "collect: $(cat "$work/collect.txt")"
cols="point_index, hash, network, params, status, reason, in_bounds, engine, shiftsim_version"
for o in cycles latency_ms gops energy_mj power_w gops_per_w lut ff dsp bram36 uram; do
  cols="$cols, printf('%.17g', $o)"
done
sqlite3 "$work/local/results.db" "SELECT $cols FROM points ORDER BY point_index" >"$work/local.rows" || fail "sqlite3 local"
sqlite3 "$work/cluster/results.db" "SELECT $cols FROM points ORDER BY point_index" >"$work/cluster.rows" || fail "sqlite3 cluster"
[ "$(wc -l <"$work/local.rows")" -eq 6 ] || fail "the local run has $(wc -l <"$work/local.rows") rows, not 6"
diff "$work/local.rows" "$work/cluster.rows" >"$work/rows.diff" || fail "merged rows differ from the local run's: $(cat "$work/rows.diff")"
echo "PASS: the 6 rows merged from Slurm job $id equal the local run's"
rm -rf "$work"
