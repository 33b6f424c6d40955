#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs AlexNet on the ZCU102 SVPE and VPE
# design points of the n-BQ-NN paper, printing the comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
./build/shiftsim compare --net configs/nets/alexnet.json \
  --arch configs/arch/svpe_zcu102.json --arch configs/arch/vpe16_zcu102.json "$@"
