#!/usr/bin/env bash
# The Slurm scripts on a real single-node Slurm cluster (slurm/local-cluster.sh):
# - slurm/pipeline.sh submits ingest, detect and report (afterok) for a job file; with 2 and 4
#   tasks the results equal a direct `mpiexec lockstep run` byte for byte, and report.html exists;
# - detect's memory bound per rank is the job's --mem-per-cpu, or its --mem over the node's ranks;
# - a run stopped mid-detect with `scancel --signal=USR1` exits at a checkpoint, submits itself
#   again, and the new job resumes from the checkpoint and ends with the same results.
# Skipped (exit 77) when Slurm is not installed; in CI (CI=true) that fails instead. With
# LOCKSTEP_PREFIX set, the scripts and the binary are those installed there (cmake --install, as
# tests/app/installed_tree.sh leaves them): the scripts find `lockstep` on the PATH, as after
# `module load lockstep`.
# Usage: pipeline_test.sh LOCKSTEP H5DIFF MPIEXEC [MPIEXEC_FLAGS...]
set -euo pipefail
lockstep=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
h5diff=$2
shift 2
mpiexec=("$@")
repo=$(cd "$(dirname "$0")/../.." && pwd)
source "$repo/tests/app/common.sh"
require slurmctld slurmd sbatch munged
cluster="$work/slurm"
trap 'bash "$repo/slurm/local-cluster.sh" down "$cluster"; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
chmod 755 "$work" # munged needs every directory above its socket searchable
settings=$(bash "$repo/slurm/local-cluster.sh" up "$cluster" 4) || fail "Slurm did not come up"
eval "$settings"
export OMPI_MCA_mpi_yield_when_idle=1
scripts="$repo/slurm"
if [ -n "${LOCKSTEP_PREFIX:-}" ]; then
  scripts="$LOCKSTEP_PREFIX/share/lockstep/slurm"
  lockstep="$LOCKSTEP_PREFIX/bin/lockstep"
  export PATH="$LOCKSTEP_PREFIX/bin:$PATH"
  unset LOCKSTEP
  [ -f "$scripts/pipeline.sh" ] || fail "no installed Slurm scripts in $scripts"
else
  export LOCKSTEP=$lockstep
fi
cd "$work"

# Waits for a job to end COMPLETED with exit code 0:0, within a deadline (sbatch --wait alone
# returns 0 for a job cancelled while pending and hangs on one that can never start).
wait_for() { # job-id deadline-seconds
  local state="" code=""
  for _ in $(seq 1 $(($2 * 2))); do
    read -r state code < <(scontrol show job "$1" -o |
      sed -n 's/.*JobState=\([A-Z_]*\).*ExitCode=\([0-9:]*\).*/\1 \2/p')
    case $state in
      COMPLETED) [ "$code" = 0:0 ] && return 0; fail "job $1 completed with exit code $code" ;;
      FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE)
        tail -20 ./*/lockstep-*-"$1".out 2>/dev/null
        fail "job $1 ended $state ($code)" ;;
    esac
    sleep 0.5
  done
  fail "job $1 still $state after $2 s"
}

"${mpiexec[@]}" -n 2 "$lockstep" generate --accounts 2000 --days 7 --seed 11 --campaign-size 20 \
  --out data --parts 2 --log-level warn >/dev/null
job() { # name: NAME/job.toml, with the store and results in NAME/ under the same relative names
  mkdir -p "$1"    # (results.h5 records the store's path as given)
  cat >"$1/job.toml" <<JOB
[run]
store = "store.h5"
out = "results"
tweets = ["$work/data/tweets-part-*.csv"]
users = ["$work/data/users.csv"]
partitions = 8
JOB
}

job reference
(cd reference && "${mpiexec[@]}" -n 2 "$lockstep" run job.toml --log-level warn >/dev/null)

# Memory per rank comes from the job's allocation: --mem-per-cpu at 2 tasks, --mem (shared by
# the node's 4 ranks) at 4.
declare -A memory=([2]=--mem-per-cpu=1G [4]=--mem=4G)
declare -A memory_source=([2]="--mem-per-cpu=1024M" [4]="--mem=4096M over 4 rank")
for tasks in 2 4; do
  job "np$tasks"
  mapfile -t ids < <(bash "$scripts/pipeline.sh" "$work/np$tasks/job.toml" \
    --chdir="$work/np$tasks" --ntasks="$tasks" --cpus-per-task=1 "${memory[$tasks]}" \
    --time=00:10:00)
  [ "${#ids[@]}" -eq 3 ] || fail "pipeline.sh printed ${#ids[@]} job ids, expected 3"
  wait_for "${ids[0]}" 300
  wait_for "${ids[1]}" 300
  wait_for "${ids[2]}" 300
  [ -s "np$tasks/results/report.html" ] || fail "the report step wrote no report.html"
  ingest_end=$(scontrol show job "${ids[0]}" -o | sed -n 's/.*EndTime=\([^ ]*\).*/\1/p')
  detect_start=$(scontrol show job "${ids[1]}" -o | sed -n 's/.*StartTime=\([^ ]*\).*/\1/p')
  [[ ! "$detect_start" < "$ingest_end" ]] || fail "detect started before ingest ended"
  expect_same_results "$h5diff" reference/results "np$tasks/results" \
    "Slurm pipeline with $tasks tasks"
  manifest="np$tasks/results/manifest.json"
  grep -q '"bound_mb_per_rank": 1024,' "$manifest" ||
    fail "detect's memory bound is not Slurm's 1024 MB per rank: $(grep '"memory"' "$manifest")"
  grep -qF -- "${memory_source[$tasks]}" "$manifest" ||
    fail "the manifest does not name ${memory[$tasks]}: $(grep '"memory"' "$manifest")"
  echo "pipeline with $tasks tasks: same results as mpiexec"
done

# Stop a run in the middle of detect; it must submit itself again, resume and end the same.
job stopped
id=$(sbatch --parsable --job-name=lockstep-stopped --chdir="$work/stopped" --ntasks=2 \
  --cpus-per-task=1 --mem-per-cpu=1G --time=00:10:00 "$scripts/run-phase.sbatch" \
  "$work/stopped/job.toml" all --log-level info)
log="stopped/lockstep-lockstep-stopped-$id.out"
for _ in $(seq 1 600); do
  grep -q "\] hashtag: " "$log" 2>/dev/null && break
  sleep 0.2
done
grep -q "\] hashtag: " "$log" || fail "the run never reached the hashtag step: $(tail -5 "$log")"
scancel --signal=USR1 "$id"
wait_for "$id" 300
grep -q "stopped on request after" "$log" || fail "the run did not stop at a checkpoint"
next=$(sed -n 's/.*resubmitted as job \([0-9]*\).*/\1/p' "$log")
[ -n "$next" ] || fail "the stopped job did not resubmit itself: $(tail -5 "$log")"
wait_for "$next" 300
grep -q "taken from the checkpoint" "stopped/lockstep-lockstep-stopped-$next.out" ||
  fail "the resubmitted run did not use the checkpoint"
expect_same_results "$h5diff" reference/results stopped/results "stopped, resubmitted and resumed run"
[ ! -e stopped/results/checkpoint ] || fail "the checkpoint was left behind"
echo "stopped mid-detect, resubmitted, resumed from the checkpoint: same results"
echo PASS
