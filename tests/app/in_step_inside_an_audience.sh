#!/usr/bin/env bash
# A ring hidden in a celebrity's audience, written here as IO-archive rows (minute times): 400 fans
# retweet half of a celebrity's 60 posts each, with delays of their own (a minute to hours), and
# 8 accounts retweet the same 30 of them hours after they appear, within a minute of each other.
# The ring has no creation cohort and no automation client, and is a fiftieth of the audience:
# only its choice of posts and its timing, beyond each account's own habits (the engagement null,
# src/detect/engagement.hpp), tell it from the fans. It must be found whole, kept as `in step
# beyond habits`, with no fan in any cluster, and the same at 1 and 3 ranks.
# Usage: in_step_inside_an_audience.sh LOCKSTEP H5DIFF MPIEXEC [MPIEXEC_FLAGS...]
set -euo pipefail
lockstep=$1
h5diff=$2
shift 2
mpiexec=("$@")
source "$(dirname "$0")/common.sh"

header='"tweetid","userid","user_display_name","user_screen_name","user_reported_location",'
header+='"user_profile_description","user_profile_url","follower_count","following_count",'
header+='"account_creation_date","account_language","tweet_language","tweet_text","tweet_time",'
header+='"tweet_client_name","in_reply_to_userid","in_reply_to_tweetid","quoted_tweet_tweetid",'
header+='"is_retweet","retweet_userid","retweet_tweetid","latitude","longitude","quote_count",'
header+='"reply_count","like_count","retweet_count","hashtags","urls","user_mentions",'
header+='"poll_choices"'
awk -v header="$header" 'BEGIN {
  print header
  srand(11)
  id = 1000000
  # accounts 1-8: the ring; 100-499: fans; 1000-1999: background; 9000: the celebrity;
  # 20000-20099: the background accounts authors
  for (k = 0; k < 60; ++k) {
    posted[k] = int(rand() * 4 * 1440)
    row(9000, 5000000 + k, posted[k], "", "", "celebrity post " k)
  }
  for (f = 100; f < 500; ++f) {
    mean = exp(log(10) + 1.5 * normal()) # minutes
    for (k = 0; k < 60; ++k)
      if (rand() < 0.5)
        row(f, id++, posted[k] + int(-log(1 - rand()) * mean), 9000, 5000000 + k, "")
    for (i = 0; i < 3; ++i)
      row(f, id++, int(rand() * 5 * 1440), "", "", "own post " f "-" i)
  }
  for (a = 0; a < 100; ++a)
    for (i = 0; i < 10; ++i)
      row(20000 + a, 6000000 + a * 10 + i, int(rand() * 5 * 1440), "", "", "author post " a "-" i)
  for (b = 1000; b < 2000; ++b) # about 100 retweets in every quarter hour
    for (i = 0; i < 50; ++i) {
      a = int(rand() * 100)
      t = int(rand() * 5 * 1440)
      row(b, id++, t, 20000 + a, 6000000 + a * 10 + int(rand() * 10), "")
    }
  for (k = 0; k < 60; k += 2) { # the ring: the same posts, 1 to 12 hours late, in one minute
    t = posted[k] + 60 + int(rand() * 660)
    for (r = 1; r <= 8; ++r)
      row(r, id++, t + int(rand() * 2), 9000, 5000000 + k, "")
  }
}
function normal() { return sqrt(-2 * log(1 - rand())) * cos(6.283185307 * rand()) }
function stamp(t,   d, m) { # minutes since 2020-01-01 00:00, within January
  d = int(t / 1440)
  m = t % 1440
  return sprintf("2020-01-%02d %02d:%02d", d + 1, int(m / 60), m % 60)
}
function row(user, tweet, t, rt_user, rt_tweet, text,   c, created) {
  if (t >= 6 * 1440)
    t = 6 * 1440 - 1
  c = (user * 7919) % 2900 # creation days spread over eight years: no cohort
  created = sprintf("%04d-%02d-%02d", 2011 + int(c / 365), 1 + int(c % 365 / 31), 1 + c % 28)
  if (rt_user != "")
    text = "RT @user" rt_user ": celebrity post"
  printf "\"%d\",\"%d\",\"u%d\",\"u%d\",\"\",\"\",\"\",\"100\",\"100\",\"%s\",\"en\",\"en\",", \
    tweet, user, user, user, created
  printf "\"%s\",\"%s\",\"Twitter for Android\",\"\",\"\",\"\",\"%s\",\"%s\",\"%s\",", \
    text, stamp(t), rt_user != "" ? "true" : "false", rt_user, rt_tweet
  printf "\"\",\"\",\"\",\"\",\"\",\"\",\"[]\",\"[]\",\"[]\",\"\"\n"
}' >"$work/tweets.csv"

"${mpiexec[@]}" -n 2 "$lockstep" ingest --store "$work/store.h5" --tweets "$work/tweets.csv" \
  --log-level warn >/dev/null
for ranks in 1 3; do
  "${mpiexec[@]}" -n "$ranks" "$lockstep" detect --store "$work/store.h5" --out "$work/out$ranks" \
    --log-level warn >/dev/null
done
expect_valid_results "$lockstep" "$work/out1"
expect_same_results "$h5diff" "$work/out1" "$work/out3" "1 and 3 ranks"

members=$(awk -F, 'NR > 1 && $3 != "" { print $1 }' "$work/out1/accounts.csv" | sort -n |
  tr '\n' ' ')
echo "clustered: $members"
[ "$members" = "1 2 3 4 5 6 7 8 " ] || fail "clustered '$members', expected the ring 1-8 alone"
kept=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; ++i) if ($i == "kept_because") k = i }
  { print $1 "," $2 "," $k }' "$work/out1/clusters.csv")
grep -q 'in step beyond habits' <<<"$kept" || fail "the ring was not kept in step: $kept"
awk -F, 'FNR == 1 { for (i = 1; i <= NF; ++i) if ($i == "significant_by") by = i; next }
  $by ~ /^engagement/ { ++n; if ($1 > 8 || $2 > 8) { print "outside the ring: " $0; bad = 1 } }
  END { print n " edges significant by engagement"; exit bad || n < 14 }' \
  "$work/out1/edges.csv" || fail "the ring's edges are not significant by their engagement"
priced=$(grep -o '"engagement_priced_pairs": [0-9]*' "$work/out1/manifest.json" | head -1 |
  awk '{print $2}')
echo "retweet pairs priced by the engagement null: $priced"
[ "${priced:-0}" -gt 0 ] || fail "the engagement null priced no pair"
echo "PASS"
