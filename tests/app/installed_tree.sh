#!/usr/bin/env bash
# The installed tree alone: `cmake --install` into a prefix (BUILD/test-prefix, left for the Slurm
# test to run against once more); Lmod loads the modulefile the install wrote; `lockstep
# --version`, `man -w lockstep`, the module's help and the bash completion work; and generate,
# ingest (its media table joined), detect with a named job, evaluate and report run from a folder
# outside the source tree, the job read from the installed share/lockstep/jobs.
# Usage: installed_tree.sh LOCKSTEP MPIEXEC [MPIEXEC_FLAGS...]
set -euo pipefail
build=$(cd "$(dirname "$1")/.." && pwd)
shift
mpiexec=("$@")
repo=$(cd "$(dirname "$0")/../.." && pwd)
source "$repo/tests/app/common.sh"
require cmake man help2man
lmod=/usr/share/lmod/lmod/init/bash
if [ ! -f "$lmod" ]; then
  [ "${CI:-}" = true ] && fail "Lmod is not installed (CI installs it: scripts/install-deps.sh)"
  echo "SKIP: Lmod is not installed"
  exit 77
fi

prefix="$build/test-prefix"
rm -rf "$prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log" ||
  fail "cmake --install failed: $(tail -5 "$work/install.log")"
for file in bin/lockstep share/lockstep/jobs/default.toml share/lockstep/slurm/run-phase.sbatch \
  share/doc/lockstep/data-schema/store.md share/man/man1/lockstep.1 share/bash-completion/completions/lockstep \
  modulefiles/lockstep/*.lua; do
  compgen -G "$prefix/$file" >/dev/null || fail "the install has no $file"
done

set +u # Lmod's scripts read unset variables
source "$lmod"
module use "$prefix/modulefiles"
module load lockstep || fail "module load lockstep failed"
set -u
[ "$(command -v lockstep)" = "$prefix/bin/lockstep" ] || fail "lockstep on PATH: $(command -v lockstep)"
[ "$LOCKSTEP_HOME" = "$prefix" ] || fail "LOCKSTEP_HOME is '$LOCKSTEP_HOME'"
lockstep --version | grep -q "^lockstep " || fail "lockstep --version"
[ "$(man -w lockstep)" = "$prefix/share/man/man1/lockstep.1" ] || fail "man -w: $(man -w lockstep)"
man -P cat lockstep 2>/dev/null | grep -q "action-columns" || fail "the man page lacks ingest's options"
module help lockstep 2>&1 | grep -q "Built against HDF5: [0-9]" || fail "the module's help names no HDF5"

source "$prefix/share/bash-completion/completions/lockstep"
complete_words() { # WORDS...: what completing the last word offers
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMPREPLY=()
  _lockstep
  echo " ${COMPREPLY[*]} "
}
[[ $(complete_words lockstep de) == *" detect "* ]] || fail "completion: no subcommand detect"
[[ $(complete_words lockstep ingest --act) == *" --action-columns "* ]] ||
  fail "completion: ingest has no --action-columns"
[[ $(complete_words lockstep detect --job def) == *" default "* ]] ||
  fail "completion: no named job default"

mkdir "$work/elsewhere"
cd "$work/elsewhere" # no source tree here: only the installed files
"${mpiexec[@]}" -n 2 lockstep generate --out data --accounts 2000 --days 7 --seed 5 --campaigns 8 \
  --campaign-size 12 --parts 2 --log-level warn >/dev/null
"${mpiexec[@]}" -n 2 lockstep ingest --store store.h5 --tweets data/tweets-part-*.csv \
  --users data/users.csv --actions data/media-part-*.csv \
  --action-columns content_id=tweetid,account_id=userid,timestamp=timestamp,media=media_id \
  --partitions 8 --log-level warn >/dev/null
"${mpiexec[@]}" -n 2 lockstep detect --store store.h5 --job default --out results \
  --log-level warn >/dev/null
grep -qF "$prefix/share/lockstep/jobs/default.toml" results/manifest.json ||
  fail "the named job was not read from the installed jobs"
lockstep report results >/dev/null
[ -s results/report.html ] || fail "no report.html"
lockstep evaluate --truth data/truth.csv results | grep -q "^precision 1.0000" ||
  fail "the installed tree's results differ in quality: $(lockstep evaluate --truth data/truth.csv results | head -3)"
lockstep detect --store store.h5 --job no-such-job --out x 2>"$work/err" && fail "no-such-job ran"
grep -q "named jobs: .*default" "$work/err" || fail "an unknown named job: $(cat "$work/err")"
echo PASS
