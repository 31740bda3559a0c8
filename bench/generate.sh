#!/usr/bin/env bash
# Generation throughput: rows/s, rows/s per core and peak memory per rank for `lockstep generate`
# at several sizes on 1 and 2 ranks (one thread per rank, so cores = ranks). Prints a table.
# Usage: bench/generate.sh [ACCOUNTS...]   (default: 20000 100000; 14 days each)
set -euo pipefail
cd "$(dirname "$0")/.."
LOCKSTEP=${LOCKSTEP:-build/bin/lockstep}
[ -x "$LOCKSTEP" ] || { echo "build first: bash scripts/build.sh" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(20000 100000)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

printf '%-9s %-5s %-11s %-8s %-12s %-14s %-11s %-8s\n' accounts ranks rows seconds rows/s \
  rows/s/core peak_MB/rank MB/s
for accounts in "${sizes[@]}"; do
  for ranks in 1 2; do
    rm -rf "$work/out"
    /usr/bin/time -f '%M' -o "$work/rss" mpiexec -n "$ranks" --oversubscribe --bind-to none \
      "$LOCKSTEP" generate --out "$work/out" --accounts "$accounts" --days 14 --parts 4 \
      --threads 1 --log-level warn > "$work/log"
    rows=$(grep -o 'generated [0-9]*' "$work/log" | awk '{print $2}')
    seconds=$(grep -o 'in [0-9.]* s' "$work/log" | awk '{print $2}')
    # GNU time reports the launcher's largest child, i.e. the peak of one rank, in KiB.
    peak_mb=$(awk '{printf "%.0f", $1 / 1024}' "$work/rss")
    bytes=$(cat "$work"/out/*.csv | wc -c)
    awk -v a="$accounts" -v r="$ranks" -v n="$rows" -v s="$seconds" -v m="$peak_mb" -v b="$bytes" \
      'BEGIN { printf "%-9s %-5s %-11s %-8.2f %-12.3g %-14.3g %-11s %-8.0f\n",
               a, r, n, s, n / s, n / s / r, m, b / s / 1e6 }'
  done
done
