#!/usr/bin/env bash
# End-to-end check of `lockstep generate` and `lockstep evaluate` through the command line:
# identical bytes for 1 rank with 1 thread and 2 ranks with 2 threads; a perfect answer built from
# the truth scores F1 = 1; an empty answer scores recall 0.
# Usage: generate_and_evaluate.sh LOCKSTEP MPIEXEC [MPIEXEC_FLAGS...]
set -euo pipefail
lockstep=$1
shift
mpiexec=("$@")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=(generate --accounts 1500 --days 5 --seed 7 --campaign-size 12 --parts 3)

"${mpiexec[@]}" -n 1 "$lockstep" "${args[@]}" --out "$work/a" --threads 1 --log-level warn
"${mpiexec[@]}" -n 2 "$lockstep" "${args[@]}" --out "$work/b" --threads 2 --log-level warn
for f in tweets-part-00001.csv tweets-part-00002.csv tweets-part-00003.csv users.csv truth.csv; do
  cmp "$work/a/$f" "$work/b/$f" || { echo "FAIL: $f differs between runs"; exit 1; }
done
if ls "$work/b" | grep -q tmp; then echo "FAIL: temporary files left behind"; exit 1; fi

# A perfect answer: every campaign account in its campaign's cluster, organic accounts in none.
mkdir -p "$work/perfect" "$work/empty"
awk -F, 'NR == 1 { print "account_id,cluster_id"; next }
         { print $1 "," ($2 == 0 ? "" : "c" $2) }' "$work/a/truth.csv" > "$work/perfect/accounts.csv"
echo "account_id,cluster_id" > "$work/empty/accounts.csv"

perfect=$("$lockstep" evaluate --truth "$work/a/truth.csv" "$work/perfect")
echo "$perfect"
grep -q "precision 1.0000  recall 1.0000  F1 1.0000" <<<"$perfect" || { echo "FAIL: perfect"; exit 1; }
grep -q "adjusted Rand index over campaign accounts 1.0000" <<<"$perfect" || { echo "FAIL: ARI"; exit 1; }
json=$("$lockstep" evaluate --json --truth "$work/a/truth.csv" "$work/empty")
grep -q '"recall": 0.000000' <<<"$json" || { echo "FAIL: empty answer: $json"; exit 1; }
echo "generate_and_evaluate: ok"
