#!/usr/bin/env bash
# Quality as the data grows: generated worlds of about 5*10^5, 2*10^6 and 10^7 posts (10,000,
# 40,000 and 200,000 accounts over 14 days; fans of celebrities grow with the world), each
# generated, ingested and detected with the default job on RANKS ranks (one thread each), then
# scored against the truth. Prints one table of quality (account precision, recall and F1, the
# organic false-positive rate, edge precision, each planted style's best Jaccard) and one of cost
# (seconds and peak memory of ingest and detect, rows/s per core, and detect's largest phases on
# rank 0). The goal of issue 18: organic false-positive rate at most 0.05% and precision at least
# 0.97 at every size, every style at Jaccard 0.8 or more.
# CAMPAIGNS=7 or 8 (default 6) adds the generator's seventh and eighth styles, a scheduled network
# and image sharing; the media tables beside the tweets are joined to them at ingest.
# Usage: bench/quality_scaling.sh [SEED] [RANKS] [ACCOUNTS...]   (default: 1, 2, 10000 40000 200000)
set -euo pipefail
campaigns=${CAMPAIGNS:-6}
seed=${1:-1}
ranks=${2:-2}
shift 2 || shift $#
sizes=("${@:-10000 40000 200000}")
read -r -a sizes <<<"${sizes[*]}"
source "$(dirname "$0")/common.sh" lockstep

timed() { # label command...: runs it under /usr/bin/time; prints "seconds peak_mb"
  /usr/bin/time -f '%e %M' -o "$work/time.$1" \
    mpiexec -n "$ranks" --oversubscribe --bind-to none "${@:2}" >"$work/log.$1"
  awk '{ printf "%.1f %.0f\n", $1, $2 / 1024 }' "$work/time.$1"
}
styles=(retweet_ring copypasta hashtag_storm link_sharing camouflaged sleeper scheduled
  image_sharing)
styles=("${styles[@]:0:$((campaigns < 8 ? campaigns : 8))}")
quality="$work/quality.txt"
cost="$work/cost.txt"
printf '%-9s %-9s %-9s %-6s %-6s %-6s %-8s %-7s' accounts posts organic prec recall F1 \
  orgFPR% edgeP >"$quality"
labels=(ring copypasta storm links camouflag sleeper scheduled images)
printf ' %-8s' "${labels[@]:0:${#styles[@]}}" >>"$quality"
echo >>"$quality"
printf '%-9s %-9s %-9s %-9s %-9s %-11s %s\n' accounts ingest_s ingest_MB detect_s detect_MB \
  rows/s/core "largest detect phases on rank 0 (s)" >"$cost"
for accounts in "${sizes[@]}"; do
  data="$work/w$accounts"
  run "$ranks" "$BIN/lockstep" generate --out "$data" --accounts "$accounts" --days 14 \
    --seed "$seed" --campaigns "$campaigns" --parts "$ranks" --log-level warn >/dev/null
  read -r ingest_s ingest_mb < <(timed "ingest$accounts" "$BIN/lockstep" ingest \
    --store "$data.h5" --tweets "$data"/tweets-part-*.csv --users "$data/users.csv" --threads 1 \
    --actions "$data"/media-part-*.csv \
    --action-columns content_id=tweetid,account_id=userid,timestamp=timestamp,media=media_id \
    --log-level warn)
  read -r detect_s detect_mb < <(timed "detect$accounts" "$BIN/lockstep" detect \
    --store "$data.h5" --out "$data-results" --threads 1 --log-level warn)
  posts=$(grep -o 'stored [0-9]* posts' "$work/log.ingest$accounts" | grep -o '[0-9]*')
  "$BIN/lockstep" evaluate --truth "$data/truth.csv" "$data-results" >"$work/eval$accounts"
  awk -v accounts="$accounts" -v posts="$posts" -v styles="${styles[*]}" '
    /^accounts / { gsub(/[(),]/, " "); organic = $6 }
    /^precision / { p = $2; r = $4; f = $6 }
    /^organic false-positive rate/ { fpr = $4; sub(/%/, "", fpr) }
    /^coordination edges/ { e = $NF; sub(/\)/, "", e) }
    $2 ~ /^[a-z_]+$/ && NF == 5 && $1 ~ /^[0-9]+$/ { j[$2] = $5 }
    END {
      printf "%-9s %-9s %-9s %-6.3f %-6.3f %-6.3f %-8.4f %-7.4f", accounts, posts, organic, p, r,
        f, fpr, e
      n = split(styles, s, " ")
      for (i = 1; i <= n; ++i) printf " %-8s", (s[i] in j) ? j[s[i]] : "-"
      printf "\n"
    }' "$work/eval$accounts" >>"$quality"
  phases=$(grep -o '"phase_seconds_rank0": {[^}]*}' "$data-results/manifest.json" |
    sed 's/.*{//; s/}//; s/"//g' | tr ',' '\n' |
    awk -F': ' '{ printf "%s %s\n", $2, $1 }' | sort -rn | head -4 |
    awk '{ s = $1; $1 = ""; printf "%s%s %.1f", (NR > 1 ? "," : ""), $0, s }')
  awk -v a="$accounts" -v is="$ingest_s" -v im="$ingest_mb" -v ds="$detect_s" -v dm="$detect_mb" \
    -v n="$posts" -v r="$ranks" -v ph="$phases" 'BEGIN {
      printf "%-9s %-9s %-9s %-9s %-9s %-11.3g %s\n", a, is, im, ds, dm, n / (is + ds) / r, ph }' \
    >>"$cost"
  rm -rf "$data" "$data.h5" # keep the work folder small at 10^7 posts
done
echo "== quality, default job, seed $seed, $ranks ranks (orgFPR%: organic accounts clustered;" \
  "edgeP: significant edges inside one campaign; styles: best cluster Jaccard)"
cat "$quality"
echo "== cost (peak memory: the largest process; rows/s per core over ingest + detect)"
cat "$cost"
