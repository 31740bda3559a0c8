#!/usr/bin/env bash
# Near-duplicate text throughput: a generated release of ACCOUNTS accounts (default 20000: about
# 10^6 posts; 200000 gives about 10^7) through the near-duplicate signal alone, at W = 60 s and
# W = 1 h, on 1 and 2 ranks (one oneTBB thread per rank, so cores = ranks). Per run: the posts
# with text, distinct texts, LSH candidate text pairs, verified pairs, co-action pairs, seconds
# (shingling + LSH + verification + engine + null model), posts/s per core, peak memory, and the
# QUT toolkit's co_similar_tweet time for as many messages (DESIGN.md: 73 s per 10^6 messages at
# W = 60 s, 188 s at W = 180 s, linear in W; its W = 1 h figure is that line extrapolated).
# Then the signal's quality alone on the planted copypasta and sleeper campaigns.
# Usage: bench/near_duplicate.sh [ACCOUNTS]
set -euo pipefail
accounts=${1:-20000}
source "$(dirname "$0")/common.sh" lockstep

run 2 "$BIN/lockstep" generate --out "$work/gen" --accounts "$accounts" --days 14 --parts 4 \
  --log-level warn
run 2 "$BIN/lockstep" ingest --store "$work/gen.h5" --tweets "$work"/gen/tweets-part-*.csv \
  --users "$work/gen/users.csv" --log-level warn | grep -o 'stored [0-9]* posts'

job() { # window_seconds
  printf '[near_duplicate]\nwindow_seconds = %s\n[similarity]\nenabled = false\n' "$1"
  for s in $(signal_sections); do
    printf '[signals.%s]\nenabled = false\n' "$s"
  done
}
json() { grep -o "\"$2\": [0-9.]*" "$1" | head -1 | sed 's/.*: //'; }

printf '%-5s %-6s %-9s %-8s %-11s %-9s %-9s %-8s %-12s %-8s %-9s %s\n' ranks W_s posts texts \
  candidates verified pairs seconds posts/s/core peak_MB QUT_s vs_QUT
for window in 60 3600; do
  job "$window" > "$work/nd$window.toml"
  for ranks in 1 2; do
    out="$work/nd$window-$ranks"
    /usr/bin/time -f '%M' -o "$work/rss" mpiexec -n "$ranks" --oversubscribe --bind-to none \
      "$BIN/lockstep" detect --store "$work/gen.h5" --job "$work/nd$window.toml" --out "$out" \
      --threads 1 --log-level warn > /dev/null
    m="$out/manifest.json"
    signal=$(grep -o '{"signal": "near_duplicate"[^}]*}' "$m")
    posts=$(grep -o '"actions": [0-9]*' <<<"$signal" | sed 's/.*: //')
    pairs=$(grep -o '"window_pairs": [0-9]*' <<<"$signal" | sed 's/.*: //')
    texts_s=$(json "$m" "near_duplicate texts")
    engine_s=$(grep -o '"seconds_rank0": [0-9.]*' <<<"$signal" | sed 's/.*: //')
    awk -v r="$ranks" -v w="$window" -v p="$posts" -v t="$(json "$m" texts)" \
      -v c="$(json "$m" candidate_text_pairs)" -v v="$(json "$m" verified_text_pairs)" \
      -v q="$pairs" -v s1="$texts_s" -v s2="$engine_s" -v m="$(cat "$work/rss")" \
      'BEGIN { s = s1 + s2; qut = p / 1e6 * (15.5 + 0.9583 * w);
               printf "%-5s %-6s %-9s %-8s %-11s %-9s %-9s %-8.2f %-12.3g %-8.0f %-9.0f %.0fx\n",
                      r, w, p, t, c, v, q, s, p / s / r, m / 1024, qut, qut / s }'
  done
done
echo "(seconds: rank 0's near-duplicate texts phase plus the signal's engine and null model;"
echo " QUT_s: co_similar_tweet on as many messages, 73 s per 10^6 at W = 60 s, linear in W)"
echo
echo "quality of the near-duplicate signal alone (W = 1 h, 1 rank):"
"$BIN/lockstep" evaluate --truth "$work/gen/truth.csv" "$work/nd3600-1" |
  sed -n '/coordination edges/,$p' | grep -E 'coordination|organic|copypasta|sleeper'
