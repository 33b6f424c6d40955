#!/usr/bin/env bash
# The sanitizer test set: builds the parsers, quantizers and golden executor with AddressSanitizer
# and UndefinedBehaviorSanitizer in build-sanitize/ and runs their tests (tests/CMakeLists.txt,
# label "sanitize"); with clang++-14 and its libFuzzer also every fuzz target (fuzz/), on its seeds
# and for a few seconds each. Without libFuzzer the fuzz test is reported as skipped.
#   bash scripts/test_sanitize.sh          (SANITIZE_BUILD_DIR=... to build elsewhere)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${SANITIZE_BUILD_DIR:-build-sanitize}"
mkdir -p "$build"
# -O1: quicker to compile than -O2, and fast enough for these tests.
args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" -DSHIFTSIM_SANITIZE=ON)
targets=(test_sanitize)
probe="$build/libfuzzer-probe"
if command -v clang++-14 > /dev/null &&
   echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' |
     clang++-14 -x c++ -fsanitize=fuzzer -o "$probe" - 2> /dev/null; then
  args+=(-DCMAKE_CXX_COMPILER=clang++-14 -DSHIFTSIM_FUZZ=ON)
  targets+=(fuzz_network_json fuzz_npy fuzz_model_file fuzz_onnx fuzz_arch_json fuzz_device_json
            fuzz_energy_json fuzz_memory_json fuzz_sweep_json fuzz_figures_json fuzz_idx)
else
  echo "test_sanitize.sh: no clang++-14 with libFuzzer: fuzz targets not built (CTest reports fuzz.skipped)"
fi
rm -f "$probe"
cmake -S . -B "$build" "${args[@]}" > "$build/configure.log"
cmake --build "$build" -j"${JOBS:-$(nproc)}" --target "${targets[@]}"
cd "$build"
ctest -L sanitize -j"$(nproc)" --output-on-failure --timeout 900
