# Set-up shared by the benchmark scripts, sourced as `source "$(dirname "$0")/common.sh" [BINARY...]`:
# the repository root as working directory, the binaries named (default: lockstep) present in
# $BIN (default build/bin), Open MPI allowed to run as root, a work folder $work (BENCH_DIR, or a
# temporary one) removed at exit, and `run RANKS COMMAND...` to start COMMAND under mpiexec.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN=${BIN:-build/bin}
for binary in "${@:-lockstep}"; do
  [ -x "$BIN/$binary" ] || { echo "build first: bash scripts/build.sh" >&2; exit 1; }
done
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
run() { mpiexec -n "$1" --oversubscribe --bind-to none "${@:2}"; }
