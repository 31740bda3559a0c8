#!/usr/bin/env bash
# An action table with several object columns, on real data: CooRTweet's German election posts
# (url_id, hashtag_id, domain_id, phash_id, NA where absent) go in as url, hashtag, domain and media
# actions through --columns. Checks the store against a count of the file itself (the rows of one
# account and post id are one post; a row without objects or post id is rejected; each distinct
# non-NA cell of a post is one action of its column's signal), that media ties significant edges,
# and that 2 and 3 ranks give identical results.
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

# The file's own count: the rows of one (account, post id) are one post (a post with two hashtags
# comes as two rows), with each distinct non-NA object of its rows one action; a row without a
# post id is a post of its own, unless identical to an earlier row; a row with neither a post id
# nor an object is a reject.
read -r posts rejected url hashtag domain media < <(awk -F, '
  NR > 1 && !seen[$1 FS $2 FS $3 FS $4 FS $5 FS $6]++ {
    if ($2 == "NA") {
      if ($3 == "NA" && $4 == "NA" && $5 == "NA" && $6 == "NA") {
        ++rejected
        next
      }
      ++posts; u += $3 != "NA"; h += $4 != "NA"; d += $5 != "NA"; m += $6 != "NA"
      next
    }
    post = $1 FS $2
    posts += !known[post]++
    u += $3 != "NA" && !object["u" FS post FS $3]++
    h += $4 != "NA" && !object["h" FS post FS $4]++
    d += $5 != "NA" && !object["d" FS post FS $5]++
    m += $6 != "NA" && !object["m" FS post FS $6]++
  } END { print posts, rejected, u, h, d, m }' "$work/german.csv")
manifest=$work/store-manifest.json
[ "$(field posts "$manifest")" -eq "$posts" ] ||
  fail "posts $(field posts "$manifest"), file $posts"
[ "$(field rows_rejected "$manifest")" -eq "$rejected" ] ||
  fail "rejected $(field rows_rejected "$manifest"), file $rejected"
# The same file in two halves, the second appended: the rows of a post split between them still
# make one post (the stored post gains the appended rows' objects).
rows=$(($(wc -l <"$work/german.csv") - 1))
head -n $((rows / 2 + 1)) "$work/german.csv" >"$work/first.csv"
{ head -n 1 "$work/german.csv"; tail -n +$((rows / 2 + 2)) "$work/german.csv"; } >"$work/second.csv"
for half in first second; do
  append=(); [ $half = second ] && append=(--append)
  "${mpiexec[@]}" -n 2 "$lockstep" ingest --store "$work/halves.h5" --format actions \
    --actions "$work/$half.csv" --partitions 8 --log-level warn "${append[@]}" \
    --columns "content_id=post_id,timestamp=timestamp,url=url_id,hashtag=hashtag_id,$(
    )domain=domain_id,media=phash_id" >/dev/null
done
halves=$work/halves-manifest.json
[ "$(field posts "$halves")" -eq "$posts" ] ||
  fail "ingested in two halves: $(field posts "$halves") posts, file $posts"
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
