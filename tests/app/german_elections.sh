#!/usr/bin/env bash
# An action table with several object columns, on real data: CooRTweet's German election posts
# (url_id, hashtag_id, domain_id, phash_id, NA where absent) go in as url, hashtag, domain and media
# actions through --columns. Checks the store against a count of the file itself (rows with the
# same account, post and objects are one post; a row without objects or post id is rejected; each
# non-NA cell is one action of its column's signal), that media ties significant edges, and that 2
# and 3 ranks give identical results.
# Usage: german_elections.sh LOCKSTEP H5DIFF MPIEXEC [MPIEXEC_FLAGS...]
set -euo pipefail
lockstep=$1
h5diff=$2
shift 2
mpiexec=("$@")
source "$(dirname "$0")/common.sh"
data=$(dirname "$0")/../data/coortweet_german_elections.csv.gz
everything=$(dirname "$0")/../../jobs/everything.toml

gunzip -c "$data" >"$work/german.csv"
"${mpiexec[@]}" -n 2 "$lockstep" ingest --store "$work/store.h5" --format actions \
  --actions "$work/german.csv" --partitions 8 --log-level warn \
  --columns "content_id=post_id,timestamp=timestamp,url=url_id,hashtag=hashtag_id,$(
  )domain=domain_id,media=phash_id" >/dev/null
"$lockstep" validate "$work/store.h5" >/dev/null || fail "the store is not valid"

# The file's own count: distinct (account, post, objects) rows; those with neither a post id nor
# an object are rejects; each non-NA object cell is one action.
read -r posts rejected url hashtag domain media < <(awk -F, '
  NR > 1 && !seen[$1 FS $2 FS $3 FS $4 FS $5 FS $6]++ {
    if ($2 == "NA" && $3 == "NA" && $4 == "NA" && $5 == "NA" && $6 == "NA") {
      ++rejected
      next
    }
    ++posts; u += $3 != "NA"; h += $4 != "NA"; d += $5 != "NA"; m += $6 != "NA"
  } END { print posts, rejected, u, h, d, m }' "$work/german.csv")
manifest=$work/store-manifest.json
[ "$(field posts "$manifest")" -eq "$posts" ] ||
  fail "posts $(field posts "$manifest"), file $posts"
[ "$(field rows_rejected "$manifest")" -eq "$rejected" ] ||
  fail "rejected $(field rows_rejected "$manifest"), file $rejected"
for ranks in 2 3; do
  "${mpiexec[@]}" -n "$ranks" "$lockstep" detect --store "$work/store.h5" --job "$everything" \
    --out "$work/out$ranks" >"$work/detect$ranks.log"
done
expect_same_results "$h5diff" "$work/out2" "$work/out3" "2 and 3 ranks"
for pair in "url $url" "hashtag $hashtag" "domain $domain" "media $media"; do
  read -r signal expected <<<"$pair"
  got=$(awk -v s="$signal:" '$1 == s { print $2; exit }' "$work/detect2.log")
  [ "$got" = "$expected" ] || fail "$signal: $got actions in the store, $expected non-NA cells"
  echo "$signal: $got actions"
done
awk -F, 'NR == 1 { for (i = 1; i <= NF; ++i) if ($i == "media_coactions") m = i; next }
  $m > 0 { ++n } END { print n + 0 " significant edges tied by media"; exit !(m && n > 0) }' \
  "$work/out2/edges.csv" || fail "no significant edge is tied by media"
echo "PASS: $posts posts, $rejected rejected"
