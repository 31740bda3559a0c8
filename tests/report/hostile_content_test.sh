#!/usr/bin/env bash
# Hostile content end to end: the same world with plain strings and with `generate --hostile`
# (markup, script payloads, CSV and XML breakers, control, line-breaking and bidirectional
# characters, formulas, a 1 MB screen name), plus a tweet row of invalid UTF-8. Checks that ingest
# rejects that row and keeps the rest; that both worlds give the same clusters; that both reports
# finish drawing every section and chart, with as many charts as the plain report besides the
# top-key charts (those follow clusters.csv, one per non-empty top_* cell); that no script from the
# data ran (the title and the page's elements are the report's own); that both GEXF files are
# well-formed XML; that every CSV reads back through Python's csv module with the names exactly as
# given; and that --csv-safe guards exactly the cells that spreadsheets would run as formulas.
# Skipped (exit 77) without chromium, xmllint, python3 or perl, and fails then in CI.
# Usage: hostile_content_test.sh LOCKSTEP SCREENSHOT_PNG MPIEXEC [MPIEXEC_FLAGS...]
set -euo pipefail
lockstep=$1
screenshot=$2
shift 2
mpiexec=("$@")
here=$(dirname "$0")
source "$here/../app/common.sh"
require chromium xmllint python3 perl

browser=(chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --user-data-dir="$work/profile" --virtual-time-budget=10000 --enable-logging=stderr --v=0)

# world NAME [--hostile]: generate, ingest, detect (exact and --csv-safe), report, load in chromium
world() {
  local name=$1 dir="$work/$1"
  shift
  "${mpiexec[@]}" -n 2 "$lockstep" generate --accounts 3000 --days 7 --seed 3 --campaign-size 25 \
    --out "$dir" --log-level warn "$@" >/dev/null
  if [ "$name" = hostile ]; then # a row of invalid UTF-8 (a lone continuation byte, then 0xFF)
    printf '"9000000000000000001","1000000001","\x80name","x\xffy"\n' >>"$dir/tweets.csv"
  fi
  "${mpiexec[@]}" -n 2 "$lockstep" ingest --store "$dir.h5" --tweets "$dir/tweets.csv" \
    --users "$dir/users.csv" --partitions 8 --log-level warn >"$work/$name.ingest"
  "${mpiexec[@]}" -n 2 "$lockstep" detect --store "$dir.h5" --out "$dir-results" \
    --log-level warn >/dev/null
  "${mpiexec[@]}" -n 2 "$lockstep" detect --store "$dir.h5" --out "$dir-safe" --csv-safe \
    --log-level warn >/dev/null
  "$lockstep" report "$dir-results" --clusters 4 >/dev/null
  timeout 120 "${browser[@]}" --dump-dom "file://$dir-results/report.html" >"$work/$name.dom" \
    2>"$work/$name.console" || fail "chromium failed on the $name report"
}
world plain
world hostile --hostile

# Ingest: the invalid row is rejected with its reason, every other row is stored.
grep -aq 'invalid UTF-8' "$work/hostile-rejects.csv" ||
  fail "the invalid UTF-8 row was not rejected: $(cat "$work/hostile-rejects.csv")"
grep -aq 'rejected 1 ' "$work/hostile.ingest" || fail "ingest: $(cat "$work/hostile.ingest")"
cmp -s <(grep -ao 'stored [0-9]* posts' "$work/plain.ingest") \
  <(grep -ao 'stored [0-9]* posts' "$work/hostile.ingest") ||
  fail "the hostile world stored other posts than the plain one"

# The same clusters (ids, sizes, edges) in both worlds: hostile strings change no structure.
cmp -s <(cut -d, -f1,2,4 "$work/plain-results/clusters.csv") \
  <(cut -d, -f1,2,4 "$work/hostile-results/clusters.csv") ||
  fail "the hostile world has other clusters than the plain one"

# The report: drawn, every section, the same charts as the plain world's, no script from the data.
count() { grep -ao "$1" "$2" | wc -l; }
for name in plain hostile; do
  dom="$work/$name.dom"
  grep -aq '<body data-done="1"' "$dom" || fail "the $name report did not finish drawing"
  grep -aq 'data-errors=' "$dom" && fail "the $name report reported errors"
  if grep 'CONSOLE' "$work/$name.console" | grep -qi 'error\|uncaught'; then
    fail "$name report console errors: $(grep CONSOLE "$work/$name.console" | head -3)"
  fi
  drawn=$(count 'data-chart="[^"]*" data-rendered="1"' "$dom")
  [ "$drawn" -eq "$(count 'data-chart=' "$dom")" ] ||
    fail "some charts of the $name report drew nothing"
  for section in summary clusters cluster-1; do
    grep -aq "<section id=\"$section\"" "$dom" || fail "the $name report has no $section section"
  done
  grep -aq '<title>Lockstep report</title>' "$dom" || fail "the $name report's title changed"
  # The page's elements outside its scripts (the inlined libraries mention <img> themselves).
  perl -0pe 's/<script\b.*?<\/script>//gs' "$dom" >"$work/$name.elements"
  grep -aq '<pwned\|<img' "$work/$name.elements" &&
    fail "the data added an element to the $name report"
done
# Top-key charts follow the data (a hostile suffix can make or break a chance near-duplicate), so
# they are counted against clusters.csv: one per non-empty top_* cell of each detailed cluster.
for name in plain hostile; do
  expected=$(python3 -c '
import csv, sys
csv.field_size_limit(sys.maxsize)
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))[:4]
print(sum(1 for row in rows for key, value in row.items() if key.startswith("top_") and value))
' "$work/$name-results/clusters.csv")
  drawn=$(count 'data-chart="Top shared [^"]*" data-rendered="1"' "$work/$name.dom")
  [ "$drawn" -eq "$expected" ] ||
    fail "the $name report drew $drawn top-key charts for $expected non-empty top_* cells"
  grep -ao 'data-chart="[^"]*"' "$work/$name.dom" | grep -v '"Top shared ' >"$work/$name.other"
done
[ "$(wc -l <"$work/plain.other")" -eq "$(wc -l <"$work/hostile.other")" ] ||
  fail "$(wc -l <"$work/plain.other") other charts in the plain report," \
    "$(wc -l <"$work/hostile.other") in the hostile one"
for what in '<section ' '<table'; do
  [ "$(count "$what" "$work/plain.dom")" -eq "$(count "$what" "$work/hostile.dom")" ] ||
    fail "$what: $(count "$what" "$work/plain.dom") in the plain report," \
      "$(count "$what" "$work/hostile.dom") in the hostile one"
done
grep -aq 'evil-to-left' "$work/hostile.dom" || fail "the hostile strings did not reach the report"
timeout 120 "${browser[@]}" --window-size=1300,2400 --screenshot="$screenshot" \
  "file://$work/hostile-results/report.html" >/dev/null 2>&1 || fail "no screenshot"

# GEXF: well-formed XML.
for name in plain hostile; do
  xmllint --noout --huge "$work/$name-results/coordination.gexf" ||
    fail "the $name GEXF is not well-formed"
done

# CSV: read back by another parser, names exact; --csv-safe guards exactly the formulas.
python3 "$here/csv_round_trip.py" "$work/hostile/users.csv" "$work/hostile-results" \
  --safe "$work/hostile-safe" || fail "CSV round trip"
echo "hostile: $(count 'data-chart=' "$work/hostile.dom") charts drawn" \
  "($(wc -l <"$work/hostile.other")" \
  "besides top keys, as in the plain world), no script ran, GEXF well-formed," \
  "screenshot $screenshot"
