#!/usr/bin/env bash
# A scheduled analysis (see slurm/weekly.scrontab): new input files that arrived in the folders
# the job file's [run] patterns name are appended to the store, and detection runs again only
# when the store or the job changed. Each run's results go to RUNS_DIR/YYYY-MM-DD, with
# comparison.csv (new, grown, shrunk and gone clusters) and comparison-accounts.csv (accounts that
# joined, left or moved) against the latest earlier run. RUNS_DIR/latest points at the newest.
#   slurm/weekly.sh JOB.toml RUNS_DIR        (inside an allocation: scrontab, sbatch or salloc)
set -euo pipefail
job_file=${1:?usage: weekly.sh JOB.toml RUNS_DIR}
runs=${2:?usage: weekly.sh JOB.toml RUNS_DIR}
# shellcheck source=/dev/null
[ -f "${LOCKSTEP_ENV:-}" ] && source "$LOCKSTEP_ENV"
# the binary: $LOCKSTEP, else lockstep on PATH (module load lockstep), else the source tree's build
LOCKSTEP=${LOCKSTEP:-$(command -v lockstep ||
  echo "$(cd "$(dirname "$0")/.." && pwd)/build/bin/lockstep")}
launch=(srun --mpi="${LOCKSTEP_SRUN_MPI:-pmix}" --kill-on-bad-exit=1)
[ -n "${SLURM_JOB_ID:-}" ] || launch=(mpiexec -n "${LOCKSTEP_RANKS:-2}")

mkdir -p "$runs"
today="$runs/$(date -u +%F)"
previous=""
if [ -L "$runs/latest" ] && [ "$(readlink -f "$runs/latest")" != "$(readlink -f "$today")" ]; then
  previous=$(readlink -f "$runs/latest")
fi
"${launch[@]}" "$LOCKSTEP" run "$job_file" --out "$today" ${previous:+--previous "$previous"} \
  --threads "${SLURM_CPUS_PER_TASK:-1}"
if [ -f "$today/manifest.json" ]; then
  ln -sfn "$(basename "$today")" "$runs/latest"
  echo "results in $today${previous:+ (compared with $previous: $today/comparison.csv)}"
fi
