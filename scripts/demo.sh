#!/usr/bin/env bash
# The README's demo command: installs what is missing, builds, and runs Lockstep end to end on
# 2 MPI ranks, printing what it found and where the outputs are.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
LOCKSTEP=${BUILD_DIR:-build}/bin/lockstep
OUT=${DEMO_OUT:-demo-output}
mkdir -p "$OUT"
RUN=(mpiexec -n 2 --oversubscribe)

echo "== lockstep --version"
"$LOCKSTEP" --version
echo "== check that MPI and parallel HDF5 work here (2 ranks)"
"${RUN[@]}" "$LOCKSTEP" check-env --dir "$OUT" --megabytes 16
echo "== generate the built-in sample: a takedown release with 6 planted campaigns (2 ranks)"
"${RUN[@]}" "$LOCKSTEP" generate --out "$OUT/sample" --accounts 5000 --days 14 --seed 1 \
  --campaign-size 30 --parts 2
echo "== accounts per style in the ground truth ($OUT/sample/truth.csv)"
tail -n +2 "$OUT/sample/truth.csv" | cut -d, -f3 | sort | uniq -c | sort -rn
echo "== outputs: $OUT/sample/{tweets-part-00001.csv,tweets-part-00002.csv,users.csv,truth.csv}"
