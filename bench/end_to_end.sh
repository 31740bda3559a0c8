#!/usr/bin/env bash
# What a user waits for, end to end (ingest + detect, wall time of each command under mpiexec).
#  1. QUT's own benchmark on one core: CooRTweet's Russian retweets replicated 20 times (702,500
#     rows) as an action table, co-retweets within 60 s, against QUT's preprocess and co_retweet
#     as measured on this machine (issue 23: 23.6 s and 9.8 s). Three runs each, medians, with
#     Lockstep's user and system CPU seconds beside its wall seconds: on a VM that pages memory
#     in slowly the wall and system time move by a third from run to run, the user time little.
#     Also the share of the wall time that no phase of the manifests covers.
#  2. A generated release of ACCOUNTS accounts over 14 days (200000 gives about 10^7 posts, 20000
#     about 10^6) with the default job, at each rank count of RANKS (one oneTBB thread per rank, so
#     cores = ranks): the seconds and peak memory of each command (the largest process), rows/s per
#     core, the time per phase on rank 0, the parallel efficiency against the first rank count, and
#     the quality of the clusters against the truth. Ingest runs three times per rank count (the
#     median; phases of the last run), detect once.
#  3. Ingest of real IO-archive rows: the 2018 IRA sample's 407 rows (quoted fields, texts with
#     newlines, hashed and numeric ids) copied 2,500 times (1,017,500 rows), at each rank count of
#     RANKS, three runs each, medians: seconds, peak memory, rows/s per core and the parallel
#     efficiency; the phases of the last run.
# Usage: bench/end_to_end.sh [ACCOUNTS] [RANKS...]   (default: 20000, ranks 1 2)
set -euo pipefail
accounts=${1:-20000}
shift || true
rank_counts=("${@:-1}")
[ $# -gt 0 ] || rank_counts=(1 2)
source "$(dirname "$0")/common.sh" lockstep

timed() { # label ranks command...: runs it under /usr/bin/time; prints "seconds peak_mb user sys"
  /usr/bin/time -f '%e %M %U %S' -o "$work/time.$1" \
    mpiexec -n "$2" --oversubscribe --bind-to none "${@:3}" >"$work/log.$1"
  awk '{ printf "%.2f %.0f %.2f %.2f\n", $1, $2 / 1024, $3, $4 }' "$work/time.$1"
}
phases() { # manifest key: "phase s, ..." from a manifest's per-phase object
  grep -o "\"$2\": {[^}]*}" "$1" | sed 's/.*{//; s/}//; s/"//g'
}

phase_sum() { # manifest key: the seconds of its per-phase object, summed
  phases "$1" "$2" | tr ',' '\n' | awk -F': ' '{ s += $2 } END { printf "%.2f", s }'
}
median3() { sort -n | sed -n 2p; }

echo "== QUT's benchmark on one core: 20 x CooRTweet's Russian retweets (702,500 rows), W = 60 s"
russian20 "$work/russian20.csv"
printf '[signals.object]\nwindow_seconds = 60\nhub_cap = 1000000000\n' > "$work/qut.toml"
for s in $(signal_sections | grep -vx object); do
  printf '[signals.%s]\nenabled = false\n' "$s" >> "$work/qut.toml"
done
{ cat "$work/qut.toml"; printf '[detect]\nkeep_candidates = true\n'; } > "$work/qut-all.toml"
for run in 1 2 3; do
  rm -f "$work/qut.h5"
  read -r s mb user sys < <(timed qut-ingest 1 "$BIN/lockstep" ingest --store "$work/qut.h5" \
    --format actions --actions "$work/russian20.csv" --threads 1 --log-level warn)
  echo "$s $mb $(phase_sum "$work/qut-manifest.json" seconds_per_phase_rank0) $user $sys" \
    >> "$work/qut.ingest"
  for job in qut qut-all; do
    read -r s mb user sys < <(timed "$job" 1 "$BIN/lockstep" detect --store "$work/qut.h5" \
      --job "$work/$job.toml" --out "$work/out-$job" --threads 1 --log-level warn)
    echo "$s $mb $(phase_sum "$work/out-$job/manifest.json" phase_seconds_rank0) $user $sys" \
      >> "$work/$job.detect"
  done
done
ingest_s=$(cut -d' ' -f1 "$work/qut.ingest" | median3)
ingest_mb=$(cut -d' ' -f2 "$work/qut.ingest" | median3)
sig_s=$(cut -d' ' -f1 "$work/qut.detect" | median3)
all_s=$(cut -d' ' -f1 "$work/qut-all.detect" | median3)
cpu() { # file: "median user s, median system s"
  echo "$(cut -d' ' -f4 "$1" | median3) $(cut -d' ' -f5 "$1" | median3)"
}
read -r ingest_user ingest_sys < <(cpu "$work/qut.ingest")
read -r sig_user sig_sys < <(cpu "$work/qut.detect")
read -r all_user all_sys < <(cpu "$work/qut-all.detect")
pairs=$(grep -o '"candidate_edges": [0-9]*' "$work/out-qut-all/manifest.json" | grep -o '[0-9]*$')
printf '%-44s %-8s %-10s %-13s %-7s %s\n' step QUT_s Lockstep_s QUT/Lockstep user_s sys_s
row() {
  awk -v n="$1" -v q="$2" -v l="$3" -v u="$4" -v y="$5" 'BEGIN {
    printf "%-44s %-8.1f %-10.2f %-13s %-7.2f %.2f\n", n, q, l, sprintf("%.1fx", q / l), u, y }'
}
sum() { awk -v a="$1" -v b="$2" 'BEGIN { print a + b }'; }
row "preprocess vs ingest (--format actions)" 23.6 "$ingest_s" "$ingest_user" "$ingest_sys"
row "co_retweet vs detect (significance job)" 9.8 "$sig_s" "$sig_user" "$sig_sys"
row "co_retweet vs detect (every pair kept)" 9.8 "$all_s" "$all_user" "$all_sys"
row "end to end, every pair kept" 33.1 "$(sum "$ingest_s" "$all_s")" \
  "$(sum "$ingest_user" "$all_user")" "$(sum "$ingest_sys" "$all_sys")"
row "end to end, significance job" 33.1 "$(sum "$ingest_s" "$sig_s")" \
  "$(sum "$ingest_user" "$sig_user")" "$(sum "$ingest_sys" "$sig_sys")"
echo "ingest peak ${ingest_mb} MB for $(du -m "$work/russian20.csv" | cut -f1) MB of input;" \
  "$pairs candidate pairs kept in results.h5 (QUT: 124,120)"
cat "$work/qut.ingest" "$work/qut.detect" "$work/qut-all.detect" | awk '{ w += $1; p += $3 }
  END { printf "in no phase: %.1f%% of the wall time (%.2f of %.2f s, all runs)\n",
        100 * (w - p) / w, w - p, w }'
echo

run 2 "$BIN/lockstep" generate --out "$work/gen" --accounts "$accounts" --days 14 --parts 4 \
  --log-level warn
rows=$(($(cat "$work"/gen/tweets-part-*.csv | wc -l) - 4))
echo "== $accounts accounts, $rows tweets rows ($(du -sh "$work/gen" | cut -f1) of CSV), default job"
printf '%-6s %-8s %-9s %-9s %-15s %-10s\n' ranks phase seconds peak_MB rows/s/core efficiency
declare -A first
for ranks in "${rank_counts[@]}"; do
  for run in 1 2 3; do # ingest's median of three, as in section 3; detect runs once
    rm -f "$work/gen.h5"
    timed "ingest$ranks" "$ranks" "$BIN/lockstep" ingest --store "$work/gen.h5" \
      --tweets "$work"/gen/tweets-part-*.csv --users "$work/gen/users.csv" --threads 1 \
      --log-level warn
  done >"$work/ingest$ranks.runs"
  ingest_s=$(cut -d' ' -f1 "$work/ingest$ranks.runs" | median3)
  ingest_mb=$(cut -d' ' -f2 "$work/ingest$ranks.runs" | median3)
  read -r detect_s detect_mb _ _ < <(timed "detect$ranks" "$ranks" "$BIN/lockstep" detect \
    --store "$work/gen.h5" --out "$work/out$ranks" --threads 1 --log-level warn)
  for phase in ingest detect total; do
    case $phase in
      ingest) s=$ingest_s; mb=$ingest_mb ;;
      detect) s=$detect_s; mb=$detect_mb ;;
      total) s=$(awk -v a="$ingest_s" -v b="$detect_s" 'BEGIN { print a + b }')
             mb=$((ingest_mb > detect_mb ? ingest_mb : detect_mb)) ;;
    esac
    [ -n "${first[$phase]:-}" ] || first[$phase]="$ranks $s"
    awk -v r="$ranks" -v p="$phase" -v s="$s" -v m="$mb" -v n="$rows" -v f="${first[$phase]}" \
      'BEGIN { split(f, b, " "); printf "%-6s %-8s %-9.2f %-9s %-15.3g %-10.2f\n",
               r, p, s, m, n / s / r, (b[2] * b[1]) / (s * r) }'
  done
  echo "       ingest phases (rank 0): $(phases "$work/gen-manifest.json" seconds_per_phase_rank0)"
  echo "       detect phases (rank 0): $(phases "$work/out$ranks/manifest.json" phase_seconds_rank0)"
  echo "       $(grep -o '[0-9]* clusters with [0-9]* accounts' "$work/log.detect$ranks")"
done
echo "(efficiency: time x ranks at the first rank count / time x ranks here)"
"$BIN/lockstep" evaluate --truth "$work/gen/truth.csv" "$work/out${rank_counts[0]}" | head -11
for ranks in "${rank_counts[@]:1}"; do
  for f in clusters.csv accounts.csv edges.csv; do
    cmp -s "$work/out${rank_counts[0]}/$f" "$work/out$ranks/$f" ||
      echo "WARNING: $f differs between ${rank_counts[0]} and $ranks ranks"
  done
done

echo
ira_copies "$work/ira.csv" 2500
ira_rows=$((2500 * 407))
echo "== real IO-archive rows: the 2018 IRA sample copied 2,500 times ($ira_rows rows," \
  "$(du -m "$work/ira.csv" | cut -f1) MB)"
printf '%-6s %-9s %-9s %-15s %-10s\n' ranks seconds peak_MB rows/s/core efficiency
ira_first=
for ranks in "${rank_counts[@]}"; do
  for run in 1 2 3; do # this VM's ingest times move by a third from run to run: the median
    rm -f "$work/ira.h5"
    timed "ira$ranks" "$ranks" "$BIN/lockstep" ingest --store "$work/ira.h5" \
      --tweets "$work/ira.csv" --threads 1 --log-level warn
  done >"$work/ira$ranks.runs"
  s=$(cut -d' ' -f1 "$work/ira$ranks.runs" | median3)
  mb=$(cut -d' ' -f2 "$work/ira$ranks.runs" | median3)
  [ -n "$ira_first" ] || ira_first="$ranks $s"
  awk -v r="$ranks" -v s="$s" -v m="$mb" -v n="$ira_rows" -v f="$ira_first" \
    'BEGIN { split(f, b, " "); printf "%-6s %-9.2f %-9s %-15.3g %-10.2f\n",
             r, s, m, n / s / r, (b[2] * b[1]) / (s * r) }'
  echo "       phases (rank 0): $(phases "$work/ira-manifest.json" seconds_per_phase_rank0)"
done
