#!/usr/bin/env bash
# The whole pipeline on real third-party data (tests/data/PROVENANCE.md): CooRTweet's Russian
# coordinated-tweets sample as an action table and the IRA 2018 IO-archive sample (its last row is
# truncated), with jobs/coortweet.toml and jobs/default.toml. For each: every results file identical at 1, 2, 3 and 4 ranks, and the results
# manifest accounts for every input row (rows read = posts + rejected + duplicate + non-post).
# Usage: real_data_end_to_end.sh LOCKSTEP H5DIFF DATA_DIR MPIEXEC [MPIEXEC_FLAGS...]
set -euo pipefail
lockstep=$1
h5diff=$2
data=$3
shift 3
mpiexec=("$@")
source "$(dirname "$0")/common.sh"

check_dataset() { # name job ingest-arguments...
  local name=$1 job=$2
  shift 2
  "${mpiexec[@]}" -n 2 "$lockstep" ingest --store "$work/$name.h5" --partitions 8 "$@" \
    --log-level warn >/dev/null
  for ranks in 1 2 3 4; do
    "${mpiexec[@]}" -n "$ranks" "$lockstep" detect --store "$work/$name.h5" \
      --job "$job" --out "$work/$name-np$ranks" --log-level warn >/dev/null
  done
  for ranks in 2 3 4; do
    expect_same_results "$h5diff" "$work/$name-np1" "$work/$name-np$ranks" \
      "$name at 1 rank and $ranks ranks"
  done
  expect_valid_results "$lockstep" "$work/$name-np1"
  local manifest="$work/$name-np1/manifest.json"
  local read posts rejected duplicate non_post
  read=$(field rows_read "$manifest")
  posts=$(field posts "$manifest")
  rejected=$(field rows_rejected "$manifest")
  duplicate=$(field rows_duplicate "$manifest")
  non_post=$(field non_post_rows "$manifest")
  [ "$read" -gt 0 ] || fail "$name: no rows read"
  [ "$name" != coortweet ] || [ "$(tail -n +2 "$work/$name-np1/clusters.csv" | wc -l)" -gt 10 ] ||
    fail "$name: too few clusters to compare"
  [ "$read" -eq $((posts + rejected + duplicate + non_post)) ] ||
    fail "$name: rows read $read != posts $posts + rejected $rejected + duplicate $duplicate + non-post $non_post"
  grep -q '"store_xxh3": "[0-9a-f]\{16\}"' "$manifest" || fail "$name: no store digest in the manifest"
  echo "$name: $read rows read = $posts posts + $rejected rejected + $duplicate duplicate + $non_post non-post;" \
    "$(tail -n +2 "$work/$name-np1/edges.csv" | wc -l) edges, $(tail -n +2 "$work/$name-np1/clusters.csv" | wc -l) clusters, identical at 1-4 ranks"
}

jobs=$(cd "$(dirname "$0")/../../jobs" && pwd)
check_dataset coortweet "$jobs/coortweet.toml" --format actions --actions "$data/coortweet_russian_coord_tweets.csv"
check_dataset ira "$jobs/default.toml" --tweets "$data/io_tweets_sample_ira_2018.csv"
[ "$(field rows_rejected "$work/ira-np1/manifest.json")" -eq 1 ] || fail "ira: expected 1 rejected row"
# The IRA sample (407 whole rows of 86 accounts over years) ties no pair, so its edges.csv and
# clusters.csv are empty at every rank count; what the rank counts must agree on there is each
# account's features. Every account of the sample is in accounts.csv, with every feature column.
python3 - "$data/io_tweets_sample_ira_2018.csv" "$work/ira-np1/accounts.csv" <<'PY' ||
import csv, sys
csv.field_size_limit(sys.maxsize)
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
whole = [r for r in rows[1:] if len(r) == len(rows[0])]
sample = {r[rows[0].index("userid")] for r in whole}
accounts = list(csv.reader(open(sys.argv[2], newline="", encoding="utf-8")))
found = {r[0] for r in accounts[1:]}
assert len(whole) == 407 and len(sample) == 86, (len(whole), len(sample))
assert found == sample, "accounts.csv and the sample's accounts differ"
assert all(len(r) == len(accounts[0]) for r in accounts[1:]), "a row of another length"
assert len(accounts[0]) >= 7 + 24, "fewer than 24 feature columns"
posts = [r[accounts[0].index("posts")] for r in accounts[1:]]
assert sum(float(p) for p in posts) == 407, "the accounts' posts do not add up to the sample's"
PY
  fail "ira: accounts.csv does not hold the sample's 86 accounts with their 407 posts"
echo "PASS"
