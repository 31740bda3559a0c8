#!/usr/bin/env bash
# Ingest throughput: rows/s, rows/s per core, MB/s and peak memory per rank for `lockstep ingest`
# of a generated IO-archive release at 1 and 2 ranks (one oneTBB thread per rank, so cores =
# ranks), the floors on one core of the work any such ingest does (reading the inputs, and
# compressing the store when --store-compression deflate asks), then of the very messages QUT's preprocess was timed on. Prints tables.
# Usage: bench/ingest.sh [ACCOUNTS] (default 200000: about 10^7 rows).
set -euo pipefail
accounts=${1:-200000}
source "$(dirname "$0")/common.sh" lockstep
LOCKSTEP=$BIN/lockstep

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

# Floors on one core, for the same rows: work any ingest writing this store must do, each timed
# alone. Reading the inputs (from the page cache); compressing the store's bytes with the filters
# of --store-compression deflate (shuffle + deflate level 1: h5repack of an uncompressed copy, one thread, as HDF5 runs
# its filters); plain deflate level 1 of those bytes (gzip -1). The issue's target, 20x QUT per
# core, is the budget.
echo
echo "== floors on one core for the same $rows rows (seconds)"
seconds_of() { /usr/bin/time -f '%e' -o "$work/t" "$@" > /dev/null 2>&1; cat "$work/t"; }
read_s=$(seconds_of cat "${inputs[@]}" "$work/in/users.csv")
h5repack -f NONE "$work/store.h5" "$work/raw.h5"
raw_mb=$(du -m "$work/raw.h5" | cut -f1)
filters_s=$(seconds_of h5repack -f SHUF -f GZIP=1 "$work/raw.h5" "$work/refiltered.h5")
gzip_s=$(seconds_of gzip -1 -c "$work/raw.h5")
budget_s=$(awk -v n="$rows" 'BEGIN { printf "%.1f", n / (20 * 4.7e4) }')
printf '%-34s %s\n' "budget at 20x QUT per core" "$budget_s"
printf '%-34s %s\n' "read the inputs ($mb MB)" "$read_s"
printf '%-34s %s\n' "store filters on its $raw_mb MB" "$filters_s"
printf '%-34s %s\n' "gzip -1 of the same bytes" "$gzip_s"
rm -f "$work/raw.h5" "$work/refiltered.h5"

# The same messages QUT preprocessed: CooRTweet's Russian data replicated 20 times (702,500 rows;
# tests/data/peers/README.md, where QUT's preprocess took 17.2 s on one core), read as the generic
# action table.
echo
echo "== QUT's own preprocess input: 20 x CooRTweet's Russian data as an action table"
russian20 "$work/russian20.csv"
printf '%-5s %-11s %-8s %-11s %-13s %-8s %-12s %s\n' ranks rows seconds rows/s rows/s/core \
  vs_QUT/core peak_MB/rank phases
for ranks in 1 2; do
  rm -f "$work/russian20.h5"
  /usr/bin/time -f '%M' -o "$work/rss" mpiexec -n "$ranks" --oversubscribe --bind-to none \
    "$LOCKSTEP" ingest --store "$work/russian20.h5" --format actions \
    --actions "$work/russian20.csv" --threads 1 --log-level warn > "$work/log"
  rows=$(grep -o 'rows read [0-9]*' "$work/log" | awk '{print $3}')
  seconds=$(grep -o 'in [0-9.]* s on' "$work/log" | awk '{print $2}')
  phases=$(grep 'time per phase' "$work/log" | sed 's/.*rank 0: //')
  peak=$(awk '{printf "%.0f", $1 / 1024}' "$work/rss")
  awk -v r="$ranks" -v n="$rows" -v s="$seconds" -v p="$peak" -v ph="$phases" \
    'BEGIN { printf "%-5s %-11s %-8.2f %-11.3g %-13.3g %-11.1f %-12s %s\n",
             r, n, s, n / s, n / s / r, (n / s / r) / (702500 / 17.2), p, ph }'
done
echo "QUT preprocess of the same 702,500 messages: 17.2 s on one core = 4.1e4 rows/s"
