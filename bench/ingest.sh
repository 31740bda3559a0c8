#!/usr/bin/env bash
# Ingest throughput: rows/s, rows/s per core, MB/s and peak memory per rank for `lockstep ingest`
# of a generated IO-archive release at 1 and 2 ranks (one oneTBB thread per rank, so cores =
# ranks). Prints a table. Usage: bench/ingest.sh [ACCOUNTS] (default 200000: about 10^7 rows).
set -euo pipefail
cd "$(dirname "$0")/.."
LOCKSTEP=${LOCKSTEP:-build/bin/lockstep}
[ -x "$LOCKSTEP" ] || { echo "build first: bash scripts/build.sh" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
accounts=${1:-200000}
work=${BENCH_DIR:-$(mktemp -d)}
trap 'rm -rf "$work"' EXIT

mpiexec -n 2 --oversubscribe "$LOCKSTEP" generate --out "$work/in" --accounts "$accounts" \
  --days 14 --parts 8 --log-level warn
inputs=("$work"/in/tweets-part-*.csv)
mb=$(du -cm "${inputs[@]}" "$work/in/users.csv" | tail -1 | cut -f1)

printf '%-5s %-11s %-8s %-11s %-13s %-8s %-12s %s\n' ranks rows seconds rows/s rows/s/core MB/s \
  peak_MB/rank phases
for ranks in 1 2; do
  rm -f "$work/store.h5"
  /usr/bin/time -f '%M' -o "$work/rss" mpiexec -n "$ranks" --oversubscribe --bind-to none \
    "$LOCKSTEP" ingest --store "$work/store.h5" --tweets "${inputs[@]}" --users "$work/in/users.csv" \
    --threads 1 --log-level warn > "$work/log"
  rows=$(grep -o 'ingested [0-9]*' "$work/log" | awk '{print $2}')
  seconds=$(grep -o 'in [0-9.]* s on' "$work/log" | awk '{print $2}')
  phases=$(grep 'time per phase' "$work/log" | sed 's/.*rank 0: //')
  peak=$(awk '{printf "%.0f", $1 / 1024}' "$work/rss")
  awk -v r="$ranks" -v n="$rows" -v s="$seconds" -v m="$mb" -v p="$peak" -v ph="$phases" \
    'BEGIN { printf "%-5s %-11s %-8.1f %-11.3g %-13.3g %-8.0f %-12s %s\n",
             r, n, s, n / s, n / s / r, m / s, p, ph }'
done
echo "QUT coordination-network-toolkit preprocess on this machine (DESIGN.md): 4M messages in 85 s = 4.7e4 rows/s on one core"
