#!/usr/bin/env bash
# Trains and quantizes networks on Fashion-MNIST with every weight quantizer, measures each model
# twice (float activations in the trainer; integer activations through the golden executor,
# `shiftsim quantize` + `shiftsim eval`) and writes the accuracy tables docs/ACCURACY.md
# (docs/TRAINING.md explains the methods and settings).
#
#   scripts/accuracy.sh [--net NAME[:FLOAT_EPOCHS:QAT_EPOCHS]]...  (default: lenet5)
#                       [--float-epochs N] [--qat-epochs N]  (for nets given without epochs;
#                        a QAT_EPOCHS below 1, e.g. 0.5, retrains on that fraction of an epoch)
#                       [--jobs N] [--build DIR] [--out FILE] [--seed S] [--fresh]
#                       [--table-only]  (no runs: the table from the results there are)
#                       [--train-limit N --test-limit N]   (a quick smoke run on fewer images)
#                       [--only METHOD]  (nbq, nbq-ste, gsnq or fixed: run only that method's
#                        steps (and the float network they start from) and replace only its rows
#                        of the existing table, keeping every other row and section as it is)
#
# The build directory (shiftsim and shiftsim-train) is --build, else $SHIFTSIM_BUILD, else build.
# Per net: (1) float training from the seed's weights; (2) from that checkpoint, for 2..5 bits:
# n-BQ with the reconstructed gradient, n-BQ with the straight-through estimator, GSNQ
# incremental retraining (at least 3 epochs: one per partial step), and each quantizer alone
# without retraining (epochs 0); the authors' n-BQ thresholds at 3 bits; (3) fixed point 8 and 16
# bits (post-training, and 8 bits retrained one epoch). Each checkpoint is then quantized for the
# hardware (16-bit activations, 48-bit accumulators, 256 calibration images) and evaluated by the
# golden executor. Every step writes its files into DIR/accuracy/NET/; a step whose result exists
# and was made with the same arguments from the same input checkpoint is skipped, so an
# interrupted run resumes (--fresh starts from nothing). With --jobs N up to N steps run side by side
# (each with one Torch thread). LeNet-5 with the defaults takes about 30-50 minutes on two shared
# cores.
set -euo pipefail
cd "$(dirname "$0")/.."

nets=()
float_epochs=10
qat_epochs=3
out=docs/ACCURACY.md
build=${SHIFTSIM_BUILD:-build}
seed=1
jobs=1
fresh=0
table_only=0
only=
limits=()
while [ $# -gt 0 ]; do
  case "$1" in
    --net) nets+=("$2"); shift 2 ;;
    --float-epochs) float_epochs=$2; shift 2 ;;
    --qat-epochs) qat_epochs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --fresh) fresh=1; shift ;;
    --table-only) table_only=1; shift ;;
    --only) only=$2; shift 2 ;;
    --train-limit|--test-limit) limits+=("$1" "$2"); shift 2 ;;
    *) echo "accuracy.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ ${#nets[@]} -gt 0 ] || nets=(lenet5)
case "$only" in
  ''|nbq|nbq-ste|gsnq|fixed) ;;
  *) echo "accuracy.sh: --only takes nbq, nbq-ste, gsnq or fixed, found $only" >&2; exit 2 ;;
esac
if [ -n "$only" ] && [ ! -f "$out" ]; then
  echo "accuracy.sh: --only replaces rows of $out, which does not exist" >&2; exit 2
fi
train_bin=$build/shiftsim-train
sim_bin=$build/shiftsim
for b in "$train_bin" "$sim_bin"; do
  [ -x "$b" ] || { echo "accuracy.sh: $b not found (build first, or give --build DIR)" >&2; exit 2; }
done
test_limit=0
for ((i = 0; i < ${#limits[@]}; i += 2)); do
  [ "${limits[i]}" = --test-limit ] && test_limit=${limits[i+1]}
done

# One Torch thread: on a machine shared with other work it is the fastest setting (TRAINING.md),
# and the figures are reproducible with it.
common=(--threads 1 --seed "$seed" --quiet ${limits[@]+"${limits[@]}"})
start=$(date +%s)

# A step's key: its arguments and the SHA-256 of every file it reads (the --init checkpoint, or
# the checkpoint it quantizes). A step is skipped only when its result exists and was made with
# the same key; anything else (other bits, epochs or thresholds, a retrained float network)
# runs it again. Code changes are not in the key: after changing quant/ or train/, delete
# the work directory (or pass --fresh).
key_of() {  # key_of FILE-READ-OR-EMPTY ARGS...
  local f=$1; shift
  printf '%s\n' "$*"
  if [ -n "$f" ]; then sha256sum < "$f"; fi
}
current() {  # current RESULT KEYFILE KEY: the result exists and was made with this key
  [ -f "$1" ] && [ -f "$2" ] && [ "$(cat "$2")" = "$3" ]
}

# train WORK NAME ARGS...: one shiftsim-train run.
train() {
  local work=$1 name=$2; shift 2
  local init= a
  local prev=
  for a in "$@"; do [ "$prev" = --init ] && init=$a; prev=$a; done
  local key
  key=$(key_of "$init" "${common[@]}" "$@")
  if current "$work/$name.json" "$work/$name.key" "$key"; then echo "  $work/$name: trained before"; return; fi
  rm -f "$work/$name.json" "$work/$name.key" "$work/$name.golden"
  echo "  $work/$name: shiftsim-train $*"
  "$train_bin" "${common[@]}" "$@" --out "$work/$name.ckpt" --report "$work/$name.tmp.json" \
    > "$work/$name.log" 2>&1
  mv "$work/$name.tmp.json" "$work/$name.json"
  printf '%s\n' "$key" > "$work/$name.key"
}

# golden WORK NAME METHOD BITS THRESHOLDS: the checkpoint quantized for the hardware and its
# accuracy through the golden integer executor (skipped when NAME.golden exists).
golden() {
  local work=$1 name=$2 method=$3 bits=$4 thr=$5
  local q=(quantize --float "$work/$name.ckpt" --out "$work/$name.ssq" --bits "$bits")
  case "$method" in
    nbq|nbq-ste) q+=(--arch configs/arch/svpe_zcu102.json --set "numerics.weight_bits=$bits"
                     --method nbq --thresholds "$thr") ;;
    # GSNQ's two sign windows need the SVPE's sign offsets: as wide as the codes allow (a shift
    # of at most 14), so that the trained windows are all representable.
    gsnq) q+=(--arch configs/arch/svpe_zcu102.json --set "numerics.weight_bits=$bits"
              --set "numerics.sign_offset_max=$((14 - (1 << (bits - 1)) + 2))" --method gsnq) ;;
    fixed) q+=(--arch configs/arch/vpe16_zcu102.json --method fixed) ;;
    *) return ;;
  esac
  local e=(eval --model "$work/$name.ssq")
  [ "$test_limit" != 0 ] && e+=(--limit "$test_limit")
  local key
  key=$(key_of "$work/$name.ckpt" "${q[@]}" "${e[@]}")
  current "$work/$name.golden" "$work/$name.golden.key" "$key" && return
  rm -f "$work/$name.golden" "$work/$name.golden.key"
  "$sim_bin" "${q[@]}" > "$work/$name.quantize.log" 2>&1
  "$sim_bin" "${e[@]}" > "$work/$name.eval.log" 2>&1
  # "...: accuracy 85.12% (8512 / 10000 Fashion-MNIST test images), 1.03 s"
  sed -n 's/.*accuracy [0-9.]*% (\([0-9]*\) \/ \([0-9]*\) .*, \([0-9.]*\) s$/\1 \2 \3/p' \
    "$work/$name.eval.log" > "$work/$name.golden.tmp"
  [ -s "$work/$name.golden.tmp" ] || { echo "accuracy.sh: no accuracy in $work/$name.eval.log" >&2; return 1; }
  mv "$work/$name.golden.tmp" "$work/$name.golden"
  printf '%s\n' "$key" > "$work/$name.golden.key"
}

# step WORK NAME METHOD BITS THRESHOLDS TRAIN-ARGS... (left alone while another instance of the
# script runs it: NAME.pid names a live process)
step() {
  local work=$1 name=$2 method=$3 bits=$4 thr=$5; shift 5
  [ -z "$only" ] || [ "$method" = "$only" ] || return 0
  if [ -f "$work/$name.pid" ] && kill -0 "$(cat "$work/$name.pid")" 2> /dev/null; then
    echo "  $work/$name: running in process $(cat "$work/$name.pid"), left to it"; return 0
  fi
  echo "$BASHPID" > "$work/$name.pid"
  train "$work" "$name" "$@"
  golden "$work" "$name" "$method" "$bits" "$thr"
  rm -f "$work/$name.pid"
}

# A small pool: run "$@" in the background once fewer than $jobs are running.
failed=0
running=0
# (Always in the background: `set -e` holds in a background subshell, not in `f || ...`.)
spawn() {
  [ "$table_only" = 1 ] && return 0
  while [ "$running" -ge "$jobs" ]; do
    wait -n || failed=1
    running=$((running - 1))
  done
  "$@" &
  running=$((running + 1))
}
drain() {
  while [ "$running" -gt 0 ]; do
    wait -n || failed=1
    running=$((running - 1))
  done
}

declare -A work_of fe_of qe_of
for spec in "${nets[@]}"; do
  IFS=: read -r net fe qe <<< "$spec"
  work_of[$net]=$build/accuracy/$net
  fe_of[$net]=${fe:-$float_epochs}
  qe_of[$net]=${qe:-$qat_epochs}
  [ "$fresh" = 1 ] && rm -rf "${work_of[$net]}"
  mkdir -p "${work_of[$net]}"
  [ -f "configs/nets/$net.json" ] || { echo "accuracy.sh: configs/nets/$net.json not found" >&2; exit 2; }
done

echo "accuracy.sh: ${nets[*]}, build $build, $jobs job(s)"
# Float networks first (every other step starts from one).
for spec in "${nets[@]}"; do
  net=${spec%%:*}
  spawn train "${work_of[$net]}" float --net "configs/nets/$net.json" --epochs "${fe_of[$net]}"
done
drain
[ "$failed" = 0 ] || { echo "accuracy.sh: float training failed (see the .log files)" >&2; exit 1; }

# set_net NET: the work directory, init checkpoint and retraining arguments of NET.
set_net() {
  net=$1
  w=${work_of[$net]}
  qe=${qe_of[$net]}
  init=(--init "$w/float.ckpt")
  if [[ $qe == *.* ]]; then
    # A fraction of an epoch: QE * 60,000 images (the first ones) in one epoch; GSNQ sees as
    # many images in all, over the 3 epochs of its partial steps; fixed point 8 bits likewise.
    [ ${#limits[@]} -eq 0 ] || { echo "accuracy.sh: a fractional QAT_EPOCHS takes no --train-limit" >&2; exit 2; }
    n=$(awk -v f="$qe" 'BEGIN { printf "%d", f * 60000 + 0.5 }')
    q_args=(--epochs 1 --train-limit "$n")
    g_args=(--epochs 3 --train-limit $(( (n + 1) / 3 )))
    f_args=("${q_args[@]}")
  else
    q_args=(--epochs "$qe")
    g_args=(--epochs $((qe < 3 ? 3 : qe)))  # GSNQ retrains after each of its 3 partial steps
    f_args=(--epochs 1)
  fi
}

# The steps, one bit width at a time, taking the nets in turn (so that with --jobs every net
# advances).
for stage in 4 2 5 3 other; do
  for spec in "${nets[@]}"; do
    set_net "${spec%%:*}"
    if [ "$stage" = other ]; then
      # The authors' thresholds, at the paper's 3 bits, for comparison with the default (moments).
      spawn step "$w" nbq3-authors-ptq nbq 3 authors "${init[@]}" --method nbq --bits 3 --thresholds authors --epochs 0
      spawn step "$w" nbq3-authors nbq 3 authors "${init[@]}" --method nbq --bits 3 --thresholds authors "${q_args[@]}"
      spawn step "$w" fixed8-ptq fixed 8 - "${init[@]}" --method fixed --bits 8 --epochs 0
      spawn step "$w" fixed8 fixed 8 - "${init[@]}" --method fixed --bits 8 "${f_args[@]}"
      spawn step "$w" fixed16-ptq fixed 16 - "${init[@]}" --method fixed --bits 16 --epochs 0
      continue
    fi
    bits=$stage
    spawn step "$w" "nbq$bits-ptq" nbq "$bits" moments "${init[@]}" --method nbq --bits "$bits" --epochs 0
    spawn step "$w" "nbq$bits" nbq "$bits" moments "${init[@]}" --method nbq --bits "$bits" "${q_args[@]}"
    spawn step "$w" "nbq-ste$bits" nbq-ste "$bits" moments "${init[@]}" --method nbq-ste --bits "$bits" "${q_args[@]}"
    spawn step "$w" "gsnq$bits-ptq" gsnq "$bits" - "${init[@]}" --method gsnq --bits "$bits" --epochs 0
    spawn step "$w" "gsnq$bits" gsnq "$bits" - "${init[@]}" --method gsnq --bits "$bits" "${g_args[@]}"
  done
done
drain
[ "$failed" = 0 ] || { echo "accuracy.sh: a step failed (see the .log files)" >&2; exit 1; }
wall=$(( $(date +%s) - start ))
[ "$table_only" = 1 ] && wall=-

cmd="scripts/accuracy.sh"
for spec in "${nets[@]}"; do
  net=${spec%%:*}
  cmd+=" --net $net:${fe_of[$net]}:${qe_of[$net]}"
done
cmd+=" --jobs $jobs --seed $seed${limits[@]+ ${limits[*]}}"
[ "$build" = build ] || cmd+=" --build $build"
[ -z "$only" ] || cmd+=" --only $only"
args=("$out" "$cmd" "$wall" "$only")
for spec in "${nets[@]}"; do
  net=${spec%%:*}
  args+=("$net" "${work_of[$net]}")
done

python3 - "${args[@]}" <<'EOF'
import json, os, sys
out, cmd, wall, only = sys.argv[1:5]
pairs = sys.argv[5:]
nets = list(zip(pairs[0::2], pairs[1::2]))
label = {"float": "float", "nbq": "n-BQ, reconstructed gradient", "nbq-ste": "n-BQ, straight-through",
         "gsnq": "GSNQ, incremental retraining", "fixed": "fixed point, straight-through"}
plain = {"nbq": "n-BQ", "nbq-ste": "n-BQ", "gsnq": "GSNQ", "fixed": "fixed point"}
def epochs(n):
    return f"{n} epoch" + ("" if n == 1 else "s")
rows = ["float"]
for b in (2, 3, 4, 5):
    rows += [f"nbq{b}-ptq", f"nbq{b}", f"nbq-ste{b}", f"gsnq{b}-ptq", f"gsnq{b}"]
rows += ["nbq3-authors-ptq", "nbq3-authors", "fixed8-ptq", "fixed8", "fixed16-ptq"]
def method_of(name):  # the step name's method: gsnq3-ptq -> gsnq, nbq-ste2 -> nbq-ste
    for m in ("nbq-ste", "gsnq", "nbq", "fixed"):
        if name.startswith(m):
            return m
    return name
picked = {}  # --only: net -> {row name: its new line}, and the section's summary
lines = [
    "# Accuracy on Fashion-MNIST: float, n-BQ, GSNQ and fixed-point weights",
    "",
    f"Generated by `{cmd}`",
    "(`--net NAME:FLOAT_EPOCHS:QAT_EPOCHS`); docs/TRAINING.md describes the methods, schedules and",
    "hyper-parameters, docs/QUANTIZATION.md the quantizers and the hardware formats.",
    "",
    "Two accuracies per row, both on the full test set:",
    "",
    "- **test accuracy (float activations)**: the trainer's own measurement: quantized weights,",
    "  float activations and biases (what the quantization-aware training optimises);",
    "- **integer (golden) accuracy**: the same checkpoint quantized for the accelerator by",
    "  `shiftsim quantize` (weights re-quantized losslessly: they already are on the quantizer's",
    "  grid; 16-bit activations with per-tensor formats calibrated on 256 training images, biases",
    "  at the accumulator's scale, 48-bit saturating accumulators) and evaluated by `shiftsim eval`",
    "  through the golden integer executor, i.e. the numbers the simulated SVPE (power of two) or",
    "  VPE (fixed point) computes. The float row has no integer model of its own: the fixed-point",
    "  16-bit row is the float checkpoint on the VPE.",
    "",
    "First and last layers: quantized like every other conv/fc layer, at the row's bits (no",
    "8-bit exception). Weight memory: conv/fc weights at the row's bits (biases not counted).",
    "Retrained rows start from the float row's checkpoint; \"none\" rows quantize it as it is.",
]
for net, work in nets:
    def rep(name):
        p = os.path.join(work, name + ".json")
        if not os.path.exists(p):
            return None
        with open(p) as f:
            return json.load(f)
    def gold(name):
        p = os.path.join(work, name + ".golden")
        if not os.path.exists(p):
            return None
        c, t, s = open(p).read().split()
        return int(c), int(t), float(s)
    base = rep("float")
    lines += ["", f"## {net}", "",
              f"{base['weights']:,} weights; {base['test_images']:,} test images, {base['train_images']:,} training images (float training).",
              "",
              "| method | bits | retraining | test accuracy (float activations) | vs float | integer (golden) accuracy | vs float | weight memory |",
              "|---|---:|---|---:|---:|---:|---:|---:|"]
    fa = 100 * base["test_accuracy"]
    gsecs = []
    missing = [n for n in rows if rep(n) is None]
    for name in rows:
        r = rep(name)
        if r is None:
            lines.append(f"| {name} (not run) | | | | | | | |")
            continue
        m = r["method"]
        extra = ""
        if m == "nbq" or m == "nbq-ste":
            extra = f" ({r['thresholds']} thresholds)"
        what = label[m]
        if name == "float":
            retr = f"{epochs(r['epochs'])} from scratch"
        elif r["epochs"] == 0:
            retr = "none"
            what = plain[m]
        else:
            retr = epochs(r["epochs"])
            if r["train_images"] < base["train_images"]:
                retr += f" on the first {r['train_images']:,} images"
        acc = 100 * r["test_accuracy"]
        delta = "" if name == "float" else f"{acc - fa:+.2f}"
        g = gold(name)
        if g is None:
            gacc, gdelta = ("n/a", "") if name == "float" else ("missing", "")
        else:
            gsecs.append(g[2])
            ga = 100 * g[0] / g[1]
            gacc, gdelta = f"{ga:.2f}%", f"{ga - fa:+.2f}"
        kb = r["weight_bytes"] / 1024
        lines.append(f"| {what}{extra} | {r['bits']} | {retr} | {acc:.2f}% | {delta} | {gacc} | {gdelta} | {kb:.1f} KiB |")
        if only and method_of(name) == only:
            picked.setdefault(net, {})[name] = (lines[-1], r["seconds"], g[2] if g else 0.0)
    if only:
        picked.setdefault(net, {})["float"] = (f"{fa:.2f}%", 0, 0)
    secs = sum(rep(n)["seconds"] for n in rows if rep(n))
    lines += ["", f"Training and trainer evaluation: {secs / 60:.0f} min summed over the runs; golden "
              f"evaluation of {len(gsecs)} models: {sum(gsecs):.0f} s in all ({max(gsecs) if gsecs else 0:.1f} s at most per model)."]
    if missing:
        lines += ["", f"Not run: {', '.join(missing)} (names as in the work directory: nbqB, nbq-steB, gsnqB "
                  "retrained, -ptq without retraining)."]
    stand_in = any(rep(n).get("stand_in_quantizers") for n in rows if rep(n))
    if stand_in:
        lines += ["", "Note: quant/nbq.h or quant/gsnq.h was missing; quant/pow2.h's quantizer stood in."]
if wall != "-":
    lines += ["", f"Wall time of the command: {int(wall) / 60:.0f} min (steps it found done before not counted)."]
if only:
    # Replace the method's rows of each net's table in the existing file; keep everything else.
    text = open(out).read().split("\n")
    for net, new in picked.items():
        head = text.index(f"## {net}")
        sep = next(i for i in range(head, len(text)) if text[i].startswith("|---"))
        end = next(i for i in range(sep + 1, len(text)) if not text[i].startswith("| "))
        if end - sep - 1 != len(rows):
            sys.exit(f"accuracy.sh: {out}: the {net} table has {end - sep - 1} rows, expected {len(rows)}")
        old_float = text[sep + 1].split("|")[4].strip()
        if old_float != new["float"][0]:
            sys.exit(f"accuracy.sh: the float {net} network now scores {new['float'][0]}, the table's "
                     f"{old_float}: its other rows are from another network; rerun without --only")
        for i, name in enumerate(rows):
            if name in new and name != "float":
                text[sep + 1 + i] = new[name][0]
        note = (f"The {only} rows: made by `{cmd}` (the other rows are the previous run's, from the same "
                f"float network); {sum(v[1] for k, v in new.items() if k != 'float') / 60:.0f} min of training "
                f"and trainer evaluation, {sum(v[2] for v in new.values()):.0f} s of golden evaluation.")
        after = next(i for i in range(end, len(text)) if text[i].startswith("Training and trainer evaluation"))
        if after + 2 < len(text) and text[after + 2].startswith(f"The {only} rows: made by"):
            text[after + 2] = note
        else:
            text[after + 1:after + 1] = ["", note]
    with open(out, "w") as f:
        f.write("\n".join(text))
    print("accuracy.sh: replaced the", only, "rows of", out)
    sys.exit(0)
# Hand-written notes below the marker survive regeneration.
marker = "<!-- notes below this line are kept by scripts/accuracy.sh -->"
notes = ""
if os.path.exists(out):
    old = open(out).read()
    if marker in old:
        notes = old[old.index(marker):]
if notes:
    lines += ["", notes.rstrip("\n")]
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")
print("accuracy.sh: wrote", out)
EOF
