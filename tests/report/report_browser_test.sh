#!/usr/bin/env bash
# The HTML report in a real browser (Debian's chromium, headless): generate, ingest and detect a
# small world, write the report, load it offline, and check that it ran without errors, that
# every chart drew something (non-empty SVG or canvas), that the cluster table's numbers equal
# clusters.csv (follows among members too: the world has follow lists), that the followers
# clusters gave themselves are charted, and save a screenshot. Skipped (exit 77) without chromium
# (a failure in CI).
# Usage: report_browser_test.sh LOCKSTEP SCREENSHOT_PNG MPIEXEC [MPIEXEC_FLAGS...]
set -euo pipefail
lockstep=$1
screenshot=$2
shift 2
mpiexec=("$@")
source "$(dirname "$0")/../app/common.sh"
require chromium

"${mpiexec[@]}" -n 2 "$lockstep" generate --accounts 3000 --days 7 --seed 3 --campaign-size 25 \
  --follows --out "$work/data" --log-level warn >/dev/null
"${mpiexec[@]}" -n 2 "$lockstep" ingest --store "$work/store.h5" --tweets "$work/data/tweets.csv" \
  --users "$work/data/users.csv" --follows "$work/data/follows.csv" --partitions 8 \
  --log-level warn >/dev/null
"${mpiexec[@]}" -n 2 "$lockstep" detect --store "$work/store.h5" --out "$work/results" \
  --log-level warn >/dev/null
"$lockstep" report "$work/results" --clusters 4 >/dev/null
page="$work/results/report.html"
[ -s "$page" ] || fail "no report.html"
grep -q 'src="http\|href="http\|<link ' "$page" && fail "the report loads something from outside"

browser=(chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile"
  --virtual-time-budget=10000 --enable-logging=stderr --v=0)
timeout 120 "${browser[@]}" --dump-dom "file://$page" >"$work/dom.html" 2>"$work/console.txt" ||
  fail "chromium failed: $(tail -5 "$work/console.txt")"
timeout 120 "${browser[@]}" --window-size=1300,2400 --screenshot="$screenshot" "file://$page" \
  >/dev/null 2>&1 || fail "chromium could not take a screenshot"
[ -s "$screenshot" ] || fail "no screenshot"

if grep 'CONSOLE' "$work/console.txt" | grep -qi 'error\|uncaught'; then
  fail "console errors: $(grep CONSOLE "$work/console.txt" | head -5)"
fi
grep -q 'data-errors=' "$work/dom.html" && fail "the page reported errors: $(grep -o 'data-errors="[^"]*"' "$work/dom.html")"
grep -q '<body data-done="1"' "$work/dom.html" || fail "the page did not finish drawing"
charts=$(grep -o 'data-chart="[^"]*"' "$work/dom.html" | wc -l)
drawn=$(grep -o 'data-chart="[^"]*" data-rendered="1"' "$work/dom.html" | wc -l)
[ "$charts" -ge 10 ] || fail "only $charts charts"
[ "$drawn" -eq "$charts" ] || fail "$((charts - drawn)) of $charts charts drew nothing"
networks=$(grep -o 'data-chart="network"' "$work/dom.html" | wc -l)
[ "$networks" -eq 4 ] || fail "$networks network pictures for 4 detailed clusters"

# The cluster table's id, size, score and follows among members against clusters.csv.
sed -n 's/.*<table id="cluster-table">//; s/<\/table>.*//p' "$work/dom.html" |
  sed 's/<\/tr>/\n/g' | sed 's/<\/td><td[^>]*>/|/g; s/<[^>]*>//g' | grep '^[0-9]' |
  awk -F'|' '{ gsub(/,/, ""); printf "%s,%s,%s,%s\n", $1, $2, $3, $9 }' >"$work/page-clusters.txt"
awk -F, 'NR == 1 { for (i = 1; i <= NF; ++i) if ($i == "follows_among_members") f = i; next }
  { printf "%s,%s,%.2f,%s\n", $1, $2, $3, $f }' "$work/results/clusters.csv" \
  >"$work/csv-clusters.txt"
[ -s "$work/csv-clusters.txt" ] || fail "no clusters to compare"
diff "$work/csv-clusters.txt" "$work/page-clusters.txt" ||
  fail "the report's cluster table differs from clusters.csv"
awk -F, 'NR == 1 { for (i = 1; i <= NF; ++i) if ($i == "follows_among_members") f = i; next }
  $f > 0 { n++ } END { exit !(n >= 4) }' "$work/results/clusters.csv" ||
  fail "fewer than 4 clusters whose members follow one another"
gained=$(grep -o 'data-chart="Followers gained[^"]*"' "$work/dom.html" | wc -l)
[ "$gained" -eq 4 ] || fail "$gained charts of followers gained from members for 4 detailed clusters"
grep -q 'follows among members (' "$work/dom.html" || fail "no cluster says how its members follow"
echo "report: $charts charts drawn, $(wc -l <"$work/csv-clusters.txt") clusters as in clusters.csv, screenshot $screenshot"
