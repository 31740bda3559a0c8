#!/usr/bin/env bash
# The cluster issue's quality bar itself, on a default-size `lockstep generate` world (10,000
# accounts, six campaign styles, about 5.8*10^5 posts) with the default job: account-level
# F1 >= 0.95, organic false-positive rate <= 0.2%, and every planted campaign's best cluster with
# Jaccard >= 0.8. Seed 1 is the world where the camouflaged amplifiers were hardest to tie
# (0.55 with the 5-minute retweet window alone; retweet_slow brings it to 0.875).
# Usage: cluster_quality_bar.sh LOCKSTEP MPIEXEC [MPIEXEC_FLAGS...]
set -euo pipefail
lockstep=$1
shift
mpiexec=("$@")
source "$(dirname "$0")/common.sh"

"${mpiexec[@]}" -n 2 "$lockstep" generate --seed 1 --out "$work/data" --log-level warn >/dev/null
"${mpiexec[@]}" -n 2 "$lockstep" ingest --store "$work/store.h5" --tweets "$work/data"/tweets*.csv \
  --users "$work/data/users.csv" --partitions 16 --log-level warn >/dev/null
"${mpiexec[@]}" -n 2 "$lockstep" detect --store "$work/store.h5" --out "$work/out" \
  --log-level warn >/dev/null

report=$("$lockstep" evaluate --json --truth "$work/data/truth.csv" "$work/out")
value() { grep -o "\"$1\": [0-9.]*" <<<"$report" | head -1 | awk '{print $2}'; }
campaigns=$(grep -o '"style": "[a-z_]*", "size": [0-9]*, "best_cluster": [^,]*, "jaccard": [0-9.]*' \
  <<<"$report")
echo "F1 $(value f1), organic false-positive rate $(value organic_false_positive_rate)"
echo "$campaigns"
[ "$(wc -l <<<"$campaigns")" -eq 6 ] || fail "expected six planted campaigns"
awk -v f="$(value f1)" 'BEGIN { exit !(f >= 0.95) }' || fail "F1 $(value f1) below 0.95"
awk -v o="$(value organic_false_positive_rate)" 'BEGIN { exit !(o <= 0.002) }' ||
  fail "organic false-positive rate $(value organic_false_positive_rate) above 0.2%"
awk '{ if ($NF < 0.8) bad = 1 } END { exit bad }' <<<"$campaigns" ||
  fail "a campaign's best cluster has Jaccard below 0.8"
