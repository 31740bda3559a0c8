#!/usr/bin/env bash
# End to end (ingest + detect with the default job, clusters included) on a generated release of
# ACCOUNTS accounts over 14 days (200000 gives about 10^7 posts, 20000 about 10^6), at each rank
# count of RANKS (one oneTBB thread per rank, so cores = ranks): the seconds and peak memory of
# each command (the largest process), rows/s per core, the time per phase on rank 0, the parallel
# efficiency against the first rank count, and the quality of the clusters against the truth.
# Usage: bench/end_to_end.sh [ACCOUNTS] [RANKS...]   (default: 20000, ranks 1 2)
set -euo pipefail
accounts=${1:-20000}
shift || true
rank_counts=("${@:-1}")
[ $# -gt 0 ] || rank_counts=(1 2)
source "$(dirname "$0")/common.sh" lockstep

timed() { # label ranks command...: runs it under /usr/bin/time; prints "seconds peak_mb"
  /usr/bin/time -f '%e %M' -o "$work/time.$1" \
    mpiexec -n "$2" --oversubscribe --bind-to none "${@:3}" >"$work/log.$1"
  awk '{ printf "%.2f %.0f\n", $1, $2 / 1024 }' "$work/time.$1"
}
phases() { # manifest key: "phase s, ..." from a manifest's per-phase object
  grep -o "\"$2\": {[^}]*}" "$1" | sed 's/.*{//; s/}//; s/"//g'
}

run 2 "$BIN/lockstep" generate --out "$work/gen" --accounts "$accounts" --days 14 --parts 4 \
  --log-level warn
rows=$(($(cat "$work"/gen/tweets-part-*.csv | wc -l) - 4))
echo "== $accounts accounts, $rows tweets rows ($(du -sh "$work/gen" | cut -f1) of CSV), default job"
printf '%-6s %-8s %-9s %-9s %-15s %-10s\n' ranks phase seconds peak_MB rows/s/core efficiency
declare -A first
for ranks in "${rank_counts[@]}"; do
  rm -f "$work/gen.h5"
  read -r ingest_s ingest_mb < <(timed "ingest$ranks" "$ranks" "$BIN/lockstep" ingest \
    --store "$work/gen.h5" --tweets "$work"/gen/tweets-part-*.csv --users "$work/gen/users.csv" \
    --threads 1 --log-level warn)
  read -r detect_s detect_mb < <(timed "detect$ranks" "$ranks" "$BIN/lockstep" detect \
    --store "$work/gen.h5" --out "$work/out$ranks" --threads 1 --log-level warn)
  for phase in ingest detect total; do
    case $phase in
      ingest) s=$ingest_s; mb=$ingest_mb ;;
      detect) s=$detect_s; mb=$detect_mb ;;
      total) s=$(awk -v a="$ingest_s" -v b="$detect_s" 'BEGIN { print a + b }')
             mb=$((ingest_mb > detect_mb ? ingest_mb : detect_mb)) ;;
    esac
    [ -n "${first[$phase]:-}" ] || first[$phase]="$ranks $s"
    awk -v r="$ranks" -v p="$phase" -v s="$s" -v m="$mb" -v n="$rows" -v f="${first[$phase]}" \
      'BEGIN { split(f, b, " "); printf "%-6s %-8s %-9.2f %-9s %-15.3g %-10.2f\n",
               r, p, s, m, n / s / r, (b[2] * b[1]) / (s * r) }'
  done
  echo "       ingest phases (rank 0): $(phases "$work/gen-manifest.json" seconds_per_phase_rank0)"
  echo "       detect phases (rank 0): $(phases "$work/out$ranks/manifest.json" phase_seconds_rank0)"
  echo "       $(grep -o '[0-9]* clusters with [0-9]* accounts' "$work/log.detect$ranks")"
done
echo "(efficiency: time x ranks at the first rank count / time x ranks here)"
"$BIN/lockstep" evaluate --truth "$work/gen/truth.csv" "$work/out${rank_counts[0]}" | head -11
for ranks in "${rank_counts[@]:1}"; do
  for f in clusters.csv accounts.csv edges.csv; do
    cmp -s "$work/out${rank_counts[0]}/$f" "$work/out$ranks/$f" ||
      echo "WARNING: $f differs between ${rank_counts[0]} and $ranks ranks"
  done
done
