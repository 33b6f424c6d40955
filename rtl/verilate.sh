#!/bin/sh
# Runs one Verilator build (rtl/CMakeLists.txt) with its output in LOG; prints the log's end
# when it fails, so that the build's own output stays short.
log=$1
shift
if ! "$@" > "$log" 2>&1; then
  tail -40 "$log"
  exit 1
fi
