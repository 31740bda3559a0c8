#!/usr/bin/env bash
# Configures and builds Lockstep. Environment: BUILD_DIR (default build), BUILD_TYPE (Release),
# CMAKE_ARGS (extra configure arguments, e.g. -DLOCKSTEP_SANITIZE=ON).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
# shellcheck disable=SC2086
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" ${CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR"
