#!/usr/bin/env bash
# A FiveThirtyEight-layout file (IRA tweets as most papers hold them: other column names,
# month/day/year times, 0/1 retweet flags, no retweet_tweetid), written here row by row, through
# `lockstep run` with the shipped jobs/fivethirtyeight-ira.toml: every row stored, the retweets
# keyed by their text (and their authors named by "RT @name:") so the retweet signal sees them,
# and the five accounts that retweet the same twelve posts of four principals in the same minutes
# found as one cluster, without the two hundred who retweet popular accounts; accounts.csv carries
# every account's hand-coded category as its label.
# Usage: fivethirtyeight_layout.sh LOCKSTEP JOBS_DIR MPIEXEC [MPIEXEC_FLAGS...]
set -euo pipefail
lockstep=$1
jobs=$2
shift 2
mpiexec=("$@")
source "$(dirname "$0")/common.sh"

cd "$work"
cp "$jobs/fivethirtyeight-ira.toml" job.toml
header="external_author_id,author,content,region,language,publish_date,harvested_date,following"
header+=",followers,updates,post_type,account_type,retweet,account_category,new_june_2018"
header+=",alt_external_id,tweet_id,article_url,tco1_step1,tco2_step1,tco3_step1"
awk -v header="$header" 'BEGIN {
  print header
  id = 100000 # ids from before snowflakes: times come from publish_date
  row = "%d,%s,\"%s\",United States,English,%s,10/2/2016 0:00,100,200,5,%s,Right,%d,%s,0,"
  row = row "%d,%d,,,,\n"
  # Five amplifiers retweet twelve posts of four principals, each post in one minute (category
  # RightTroll).
  for (p = 0; p < 12; ++p)
    for (a = 0; a < 5; ++a)
      printf row, 1000 + a, "AMP" a, "RT @Principal" p % 4 ": message number " p " for all", \
        sprintf("10/%d/2016 9:%02d", 1 + p % 9, 10 + p), "RETWEET", 1, "RightTroll", 1000 + a, id++
  # Two hundred others retweet five popular accounts and post on their own in the same half
  # hours (category NonEnglish).
  srand(7)
  for (a = 0; a < 200; ++a)
    for (k = 0; k < 6; ++k) {
      rt = (k % 3 != 0)
      text = rt ? "RT @popular" int(rand() * 5) ": story " int(rand() * 200) : "own post " a "-" k
      printf row, 2000 + a, "USER" a, text, sprintf("10/%d/2016 9:%02d", 1 + int(rand() * 9), \
        int(rand() * 30)), rt ? "RETWEET" : "", rt, "NonEnglish", 2000 + a, id++
    }
}' >IRAhandle_tweets_1.csv
rows=$(($(wc -l <IRAhandle_tweets_1.csv) - 1))

"${mpiexec[@]}" -n 2 "$lockstep" run job.toml --log-level warn >/dev/null
ingest_manifest=store/ira-538-manifest.json
[ "$(field rows_read $ingest_manifest)" -eq "$rows" ] || fail "not every row was read"
[ "$(field rows_rejected $ingest_manifest)" -eq 0 ] || fail "rows were rejected"
[ "$(field posts $ingest_manifest)" -eq "$rows" ] || fail "not every row was stored"
keyed=$(grep -o '"retweet keyed by its text": [0-9]*' $ingest_manifest | awk '{print $NF}')
[ "$keyed" -eq $((60 + 200 * 4)) ] || fail "$keyed retweets keyed by text, expected 860"
retweets=$(grep -o '"signal": "retweet", [^}]*' results-ira-538/manifest.json |
  grep -o '"actions": [0-9]*' | awk '{print $NF}')
[ "${retweets:-0}" -eq 860 ] || fail "the retweet signal saw ${retweets:-no} actions, not 860"
members=$(awk -F, 'NR > 1 && $3 != "" { print $1 }' results-ira-538/accounts.csv |
  sort | tr '\n' ' ')
[ "$members" = "1000 1001 1002 1003 1004 " ] || fail "clustered: '$members', expected 1000-1004"
labels=$(awk -F, 'NR > 1 && $3 != "" { print $NF }' results-ira-538/accounts.csv | sort -u)
[ "$labels" = RightTroll ] || fail "the cluster's account_category labels: '$labels'"
[ "$(grep -c ',NonEnglish$' results-ira-538/accounts.csv)" -eq 200 ] ||
  fail "accounts.csv lacks the others' labels"
echo "FiveThirtyEight layout: $rows rows stored, $keyed retweets keyed by text, cluster $members"
