#!/usr/bin/env bash
# Builds shiftsim and runs the whole test suite (every test case in its own process).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cd build
ctest -j"$(nproc)" --output-on-failure --timeout 900
