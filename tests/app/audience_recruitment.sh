#!/usr/bin/env bash
# Recruitment by a principal's audience (cluster/recruit.hpp) on a default-size world where it
# matters: seed 2's camouflaged campaign amplifies two principals outside the data, and pair by pair
# two of its 40 accounts miss the dataset-wide FDR cut (Jaccard 0.95 without recruitment). Inside
# the principals' audience they pass. Checks: edges are recruited and confirmed
# (significant_by = principal_audience), each joins two accounts of one planted campaign, the
# campaign is found whole, no organic account is clustered, results.h5 is valid (a recruited edge is
# provisional, and significant exactly inside a cluster), and 2 and 3 ranks give identical results.
# Usage: audience_recruitment.sh LOCKSTEP H5DIFF MPIEXEC [MPIEXEC_FLAGS...]
set -euo pipefail
lockstep=$1
h5diff=$2
shift 2
mpiexec=("$@")
source "$(dirname "$0")/common.sh"

"${mpiexec[@]}" -n 2 "$lockstep" generate --seed 2 --out "$work/data" --log-level warn >/dev/null
"${mpiexec[@]}" -n 2 "$lockstep" ingest --store "$work/store.h5" --tweets "$work/data"/tweets*.csv \
  --users "$work/data/users.csv" --partitions 16 --log-level warn >/dev/null
for ranks in 2 3; do
  "${mpiexec[@]}" -n "$ranks" "$lockstep" detect --store "$work/store.h5" --out "$work/out$ranks" \
    --log-level warn >/dev/null
done
expect_valid_results "$lockstep" "$work/out2"
expect_same_results "$h5diff" "$work/out2" "$work/out3" "2 and 3 ranks"

grep -o '"recruitment": {[^}]*}' "$work/out2/manifest.json" >"$work/recruitment.json"
recruited=$(field recruited_edges "$work/recruitment.json")
echo "recruited edges $recruited in $(field families "$work/recruitment.json") families"
[ "$recruited" -gt 0 ] || fail "no edge was recruited: the camouflaged campaign should need it"
# Every recruited edge in edges.csv joins two accounts of one planted campaign.
awk -F, 'FNR == NR { if (FNR > 1) campaign[$1] = $2; next }
  FNR == 1 { for (i = 1; i <= NF; ++i) if ($i == "significant_by") by = i; next }
  $by == "principal_audience" {
    ++n
    if (campaign[$1] == 0 || campaign[$1] != campaign[$2]) {
      print "outside a campaign: " $0
      bad = 1
    }
  }
  END { print n " recruited edges in edges.csv"; exit bad || n == 0 }' \
  "$work/data/truth.csv" "$work/out2/edges.csv" || fail "a recruited edge leaves its campaign"

report=$("$lockstep" evaluate --json --truth "$work/data/truth.csv" "$work/out2")
camouflaged=$(grep -o '"style": "camouflaged", [^}]*"jaccard": [0-9.]*' <<<"$report" |
  grep -o '[0-9.]*$')
organic=$(grep -o '"organic_false_positive_rate": [0-9.e-]*' <<<"$report" | awk '{print $2}')
echo "camouflaged Jaccard $camouflaged, organic false-positive rate $organic"
awk -v j="$camouflaged" 'BEGIN { exit !(j >= 0.975) }' ||
  fail "camouflaged Jaccard $camouflaged: recruitment should find the campaign whole"
awk -v o="$organic" 'BEGIN { exit !(o == 0) }' || fail "organic accounts clustered ($organic)"
echo "PASS"
