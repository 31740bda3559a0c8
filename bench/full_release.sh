#!/usr/bin/env bash
# A full release on the node you have: a generated release of ACCOUNTS accounts over 14 days
# (860,000 give about 4.3*10^7 posts, a Serbia-size release; 200,000 about 10^7), generated in
# parallel parts, ingested and detected at RANKS ranks with --memory-mb MEMORY_MB each (one thread
# per rank), and scored against the generator's truth. Prints the wall time and peak memory of
# each step, then detect's phases (seconds on rank 0, peak MB over ranks, passes), whether every
# phase kept within the bound, what spilled to scratch, and the quality table.
# The CSV parts take about 23 KB per account (20 GB at 860,000) and the store two thirds of that
# (a fifth with --store-compression deflate): the disk is checked first. The work folder is
# BENCH_DIR, or a temporary one.
# Usage: bench/full_release.sh [ACCOUNTS] [RANKS] [MEMORY_MB] [SEED]
#        (default: 860000 2 10000 1)
set -euo pipefail
accounts=${1:-860000}
ranks=${2:-2}
memory_mb=${3:-10000}
seed=${4:-1}
source "$(dirname "$0")/common.sh" lockstep

need_mb=$((accounts * 42 / 1000)) # CSV parts and store, with room to spare
free_mb=$(df -Pm "$work" | awk 'NR == 2 { print $4 }')
if [ "$free_mb" -lt "$need_mb" ]; then
  echo "not enough disk in $work: $free_mb MB free, about $need_mb MB needed" >&2
  exit 1
fi

timed() { # label command...: under mpiexec and /usr/bin/time; prints "seconds peak_mb"
  if ! /usr/bin/time -f '%e %M' -o "$work/time.$1" \
    mpiexec -n "$ranks" --oversubscribe --bind-to none "${@:2}" >"$work/log.$1" 2>&1; then
    echo "$1 failed ($(tail -1 "$work/time.$1")); the end of its log:" >&2
    tail -30 "$work/log.$1" >&2
    exit 1
  fi
  awk '{ printf "%.1f %.0f\n", $1, $2 / 1024 }' "$work/time.$1"
}
data="$work/release"
read -r generate_s generate_mb < <(timed generate "$BIN/lockstep" generate --out "$data" \
  --accounts "$accounts" --days 14 --seed "$seed" --parts "$ranks" --log-level warn)
read -r ingest_s ingest_mb < <(timed ingest "$BIN/lockstep" ingest --store "$data.h5" \
  --tweets "$data"/tweets-part-*.csv --users "$data/users.csv" --threads 1 \
  --memory-mb "$memory_mb" --log-level info)
posts=$(grep -o 'stored [0-9]* posts' "$work/log.ingest" | grep -o '[0-9]*')
rm -f "$data"/tweets-part-*.csv # the truth and the users stay
mkdir -p "$work/scratch"
read -r detect_s detect_mb < <(timed detect "$BIN/lockstep" detect --store "$data.h5" \
  --out "$data-results" --threads 1 --memory-mb "$memory_mb" --scratch "$work/scratch" \
  --log-level info)

echo "== a generated release: $accounts accounts, $posts posts, seed $seed, $ranks ranks," \
  "--memory-mb $memory_mb per rank"
printf '%-9s %9s %12s %14s\n' step seconds peak_MB rows/s/core
for step in generate ingest detect; do
  s=${step}_s m=${step}_mb
  awk -v step="$step" -v s="${!s}" -v m="${!m}" -v n="$posts" -v r="$ranks" 'BEGIN {
    printf "%-9s %9.1f %12d %14.3g\n", step, s, m, n / s / r }'
done
echo "== ingest: $(grep -o '"passes": [0-9]*' "$data-manifest.json" | grep -o '[0-9]*') passes;" \
  "$(grep 'time per phase' "$work/log.ingest" | sed 's/.*rank 0: //')"
grep -h 'more than planned' "$work/log.ingest" | sed 's/.*ingest: /  /' || true
manifest="$data-results/manifest.json"
object() { # a flat JSON object of the manifest, one "name: value" per line
  grep -o "\"$1\": {[^}]*}" "$manifest" | sed 's/.*{//; s/}//; s/"//g' | tr ',' '\n' |
    sed 's/^ //'
}
echo "== detect's phases (seconds on rank 0, peak MB the largest over ranks, passes)"
paste -d'\t' <(object phase_seconds_rank0) <(object phase_peak_mb) <(object phase_passes) |
  awk -F'\t' -v bound="$memory_mb" '{
      split($1, s, ": "); split($2, m, ": "); split($3, p, ": ")
      over = m[2] > bound ? "  OVER THE BOUND" : ""
      printf "%-32s %9.1f %9d %7d%s\n", s[1], s[2], m[2], p[2], over
      worst = m[2] > worst ? m[2] : worst
    }
    END { printf "largest phase peak %d MB of the %d MB bound per rank\n", worst, bound }'
echo "== memory plan and spills: $(grep -o '"memory": {[^}]*}' "$manifest" | sed 's/"memory": //')"
echo "== quality against the generator's truth"
"$BIN/lockstep" evaluate --truth "$data/truth.csv" "$data-results"
