#!/usr/bin/env bash
# clang-tidy over src/ with the project's .clang-tidy; exits non-zero on any finding. Needs a
# configured build folder (compile_commands.json) and run-clang-tidy (Debian: clang-tidy).
# Usage: scripts/tidy.sh [BUILD_DIR] [JOBS]   (default: build, the number of cores)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
jobs=${2:-$(nproc)}
if [ ! -f "$build/compile_commands.json" ]; then
  echo "configure first: bash scripts/build.sh" >&2
  exit 1
fi
tidy=$(command -v run-clang-tidy || command -v run-clang-tidy-14) ||
  { echo "run-clang-tidy is not installed (apt-get install clang-tidy)" >&2; exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# -Wno-unknown-warning-option: the build's GCC-only flags (-Wno-restrict) mean nothing to clang.
"$tidy" -p "$build" -j "$jobs" -quiet -extra-arg=-Wno-unknown-warning-option "$root/src/" \
  >"$log" 2>&1 || true
findings=$(grep -cE '(warning|error): .*\[[a-z-]+(\.[a-z-]+)?\]' "$log" || true)
grep -E '(warning|error): ' "$log" | sort -u || true
echo "clang-tidy: $findings findings"
[ "$findings" -eq 0 ]
