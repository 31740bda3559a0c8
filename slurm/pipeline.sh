#!/usr/bin/env bash
# Submits a Lockstep job file as a chain of batch jobs, each starting only when the one before it
# succeeded (afterok): ingest, then detect (every results file), then the HTML report (one task).
#   bash slurm/pipeline.sh JOB.toml [SBATCH OPTIONS...]      e.g. --ntasks=8 --time=02:00:00
# Prints the three job ids, one per line, in order. Each phase is restartable (slurm/run-phase.sbatch).
set -euo pipefail
job_file=${1:?usage: slurm/pipeline.sh JOB.toml [SBATCH OPTIONS...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
# the binary: $LOCKSTEP, else lockstep on PATH (module load lockstep), else the source tree's build
export LOCKSTEP=${LOCKSTEP:-$(command -v lockstep || echo "$here/../build/bin/lockstep")}

submit() { # name dependency phase-args...
  local name=$1 dependency=$2
  shift 2
  sbatch --parsable --job-name="lockstep-$name" ${dependency:+--dependency=afterok:$dependency} \
    --kill-on-invalid-dep=yes "$@"
}
ingest=$(submit ingest "" "$@" "$here/run-phase.sbatch" "$job_file" ingest)
detect=$(submit detect "$ingest" "$@" "$here/run-phase.sbatch" "$job_file" detect)
report=$(submit report "$detect" "$@" --ntasks=1 "$here/run-phase.sbatch" "$job_file" report)
echo "$ingest"
echo "$detect"
echo "$report"
