#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs every test (MPI tests at 1 to
# 4 ranks). Exits non-zero on any failure. Same environment variables as build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j "$(nproc)"
