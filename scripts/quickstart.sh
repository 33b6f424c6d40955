#!/usr/bin/env bash
# The main job: installs what is missing, builds, and reproduces the n-BQ-NN paper's ZCU102
# experiment (AlexNet's conv layers on the SVPE and VPE design points, simulated beside the
# published figures, plus the largest arrays on AlexNet, ResNet-18 and a DenseNet). Tables,
# CSVs and plots go to reproduction/ (about a minute of simulation on this project's 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
# The main job needs the simulator alone, not the test suite.
bash scripts/build.sh shiftsim
./build/shiftsim reproduce --out reproduction "$@"
