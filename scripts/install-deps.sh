#!/usr/bin/env bash
# Installs the Debian packages shiftsim needs (idempotent: does nothing when all are present).
set -euo pipefail
# The sanitizer and fuzz builds (scripts/test_sanitize.sh): clang and its libFuzzer, which is in
# libclang-rt-14-dev, only recommended by clang.
sanitizer_packages=(clang-14 libclang-rt-14-dev)
packages=(g++ cmake make pkg-config libsystemc-dev catch2 nlohmann-json3-dev libboost-dev
          libcli11-dev gtkwave zlib1g-dev libtorch-dev libonnx-dev dataset-fashion-mnist
          libonnx-testdata yosys verilator gnuplot-nox libsqlite3-dev sqlite3 fortunes
          slurmctld slurmd slurm-client munge)
missing=()
for p in "${packages[@]}" "${sanitizer_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
