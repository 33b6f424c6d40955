#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang, ASan and UBSan in build-fuzz/, and runs each
# for SECONDS (default 60) from its checked-in seeds. New corpus entries go to
# build-fuzz/corpus/<target>/, crash inputs to build-fuzz/artifacts/; a crash stops the script
# with the fuzzer's exit code. Add every crash input as a regression test.
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]     (FUZZ_BUILD_DIR=... to build elsewhere)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(fuzz_network_json fuzz_npy fuzz_model_file fuzz_onnx fuzz_arch_json fuzz_device_json
           fuzz_energy_json fuzz_memory_json fuzz_sweep_json fuzz_figures_json fuzz_idx)
fi
build="${FUZZ_BUILD_DIR:-build-fuzz}"
mkdir -p "$build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
  -DSHIFTSIM_FUZZ=ON -DBUILD_TESTING=OFF > "$build/configure.log"
cmake --build "$build" -j"${JOBS:-2}" --target "${targets[@]}"
mkdir -p "$build/artifacts"
for t in "${targets[@]}"; do
  seeds="fuzz/seeds/${t#fuzz_}"
  corpus="$build/corpus/$t"
  mkdir -p "$corpus"
  echo "== $t for $seconds s (seeds: $seeds)"
  "$build/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$build/artifacts/$t-" "$corpus" "$seeds"
done
