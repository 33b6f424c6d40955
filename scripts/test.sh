#!/usr/bin/env bash
# Builds shiftsim and runs the whole test suite (every test case in its own process), then the
# sanitizer test set (scripts/test_sanitize.sh: ASan and UBSan builds of the parser, quantizer and
# golden-executor tests and of the fuzz targets; SHIFTSIM_NO_SANITIZE=1 leaves it out).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
(cd build && ctest -j"$(nproc)" --output-on-failure --timeout 900)
if [ "${SHIFTSIM_NO_SANITIZE:-0}" != 1 ]; then
  bash scripts/test_sanitize.sh
fi
