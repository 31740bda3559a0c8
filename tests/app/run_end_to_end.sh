#!/usr/bin/env bash
# `lockstep run` and restartable detect, through the command line, without a scheduler:
# - a job file's [run] section ingests (a typo'd input pattern is a clear error), detects, and a
#   second run finds everything up to date;
# - a new input file is appended (not re-ingested), and --previous writes the comparison: the new
#   release's campaigns are new clusters, nothing shrank or left; an unchanged rerun is skipped;
# - slurm/weekly.sh skips a scheduled run when nothing changed since the latest;
# - detect --checkpoint stopped by SIGUSR1 mid-run exits with status 3 and, started again, resumes
#   from its checkpoint with results identical to an uninterrupted run.
# Usage: run_end_to_end.sh LOCKSTEP H5DIFF MPIEXEC [MPIEXEC_FLAGS...]
set -euo pipefail
lockstep=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
h5diff=$2
shift 2
mpiexec=("$@")
source "$(dirname "$0")/common.sh"
weekly=$(cd "$(dirname "$0")/../../slurm" && pwd)/weekly.sh
cd "$work"

"${mpiexec[@]}" -n 2 "$lockstep" generate --accounts 2000 --days 7 --seed 5 --campaign-size 20 \
  --out week1 --log-level warn >/dev/null
"${mpiexec[@]}" -n 2 "$lockstep" generate --accounts 800 --days 7 --seed 6 --campaign-size 15 \
  --out week2 --log-level warn >/dev/null
mkdir inbox
cp week1/tweets.csv inbox/tweets-week1.csv
cat >job.toml <<'JOB'
[run]
store = "store.h5"
out = "results/first"
tweets = ["inbox/tweets-*.csv"]
users = ["week1/users.csv"]
partitions = 8
JOB
run() { "${mpiexec[@]}" -n 2 "$lockstep" run "$@" --log-level info 2>&1; }

sed 's/inbox/no-such-folder/' job.toml >typo.toml
if run typo.toml >typo.out; then fail "a pattern matching nothing was accepted"; fi
grep -q "input pattern 'no-such-folder/tweets-\*.csv' matches no file" typo.out ||
  fail "unclear error for a pattern matching nothing: $(tail -3 typo.out)"

run job.toml >first.out
grep -q "run: ingesting store.h5" first.out || fail "the first run did not ingest"
[ -f results/first/manifest.json ] || fail "the first run wrote no results"
run job.toml >again.out
grep -q "store.h5 is up to date with its 2 inputs" again.out || fail "the store was redone"
grep -q "the results in results/first are up to date" again.out || fail "detect was redone"

run job.toml --out results/same --previous results/first >same.out
grep -q "nothing to do" same.out || fail "an unchanged scheduled run was not skipped"
[ ! -e results/same ] || fail "a skipped run left a results folder"

cp week2/tweets.csv inbox/tweets-week2.csv
run job.toml --out results/second --previous results/first >second.out
grep -q "run: appending 1 new files" second.out || fail "the new file was not appended"
[ -f results/second/comparison.csv ] || fail "no comparison.csv"
summary=$(grep "compared with results/first" second.out)
echo "$summary"
grep -q "0 shrunk" <<<"$summary" || fail "clusters shrank after new data came"
grep -q "0 left every cluster" <<<"$summary" || fail "accounts left after new data came"
new=$(awk -F, '$3 == "new"' results/second/comparison.csv | wc -l)
[ "$new" -ge 3 ] || fail "only $new new clusters for the second release's campaigns"
expect_valid_results "$lockstep" results/second

# Stop detect with SIGUSR1 after its hashtag step; the rerun resumes and ends the same.
"${mpiexec[@]}" -n 2 "$lockstep" detect --store store.h5 --out reference --log-level warn >/dev/null
"${mpiexec[@]}" -n 2 "$lockstep" detect --store store.h5 --out stopped --checkpoint \
  --log-level info >stopped.out 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  grep -q "\] hashtag: " stopped.out && break
  sleep 0.1
done
kill -USR1 "$pid"
status=0
wait "$pid" || status=$?
[ "$status" -eq 3 ] || fail "a stopped detect exited with $status, not 3"
grep -q "lockstep: stopped on request after" stopped.out || fail "no message on stopping"
[ ! -e stopped/edges.csv ] || fail "a stopped run left results that look complete"
"${mpiexec[@]}" -n 2 "$lockstep" detect --store store.h5 --out stopped --checkpoint \
  --log-level info >resumed.out 2>&1
grep -q "retweet: taken from the checkpoint" resumed.out || fail "the rerun did not resume"
expect_same_results "$h5diff" reference stopped "stopped and resumed detect"
[ ! -e stopped/checkpoint ] || fail "the checkpoint was left behind"
grep -q '"resumed_steps": \["retweet"' stopped/manifest.json || fail "the manifest hides the resume"
# slurm/weekly.sh outside Slurm (mpiexec): a dated folder per run, skipped when nothing changed.
sed 's|^out = .*||' job.toml >weekly.toml
mkdir runs
cp -r results/second runs/2000-01-03
ln -s 2000-01-03 runs/latest
LOCKSTEP=$lockstep LOCKSTEP_RANKS=2 bash "$weekly" weekly.toml runs >weekly.out 2>&1 ||
  fail "weekly.sh failed: $(tail -5 weekly.out)"
grep -q "nothing to do" weekly.out || fail "weekly.sh re-ran an unchanged analysis"
[ "$(readlink runs/latest)" = 2000-01-03 ] || fail "weekly.sh moved latest for a skipped run"
echo "weekly.sh: unchanged inputs, run skipped"
echo "run end to end: ok"
