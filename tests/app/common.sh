# Sourced by the end-to-end scripts: a work folder removed at exit, failure reporting, and the
# comparison of two results folders (every results file byte for byte, results.h5 by content).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# field NAME FILE: the first integer value of "NAME" in a JSON file (a manifest)
field() { grep -o "\"$1\": [0-9]*" "$2" | head -1 | awk '{print $2}'; }

# require TOOL...: a test that needs a missing tool is skipped (exit 77, which ctest reports) on a
# developer's machine, and fails in CI (CI=true, set by .ci/run, which installs every tool), so
# that a test cannot pass there by not running.
require() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null && continue
    [ "${CI:-}" = true ] && fail "$tool is not installed (CI installs it: scripts/install-deps.sh)"
    echo "SKIP: $tool is not installed"
    exit 77
  done
}

# expect_same_results H5DIFF DIR_A DIR_B WHAT
expect_same_results() {
  local f
  for f in accounts.csv clusters.csv cluster_activity.csv edges.csv evidence.csv \
    coordination.gexf; do
    cmp "$2/$f" "$3/$f" || fail "$f differs: $4"
  done
  "$1" "$2/results.h5" "$3/results.h5" || fail "results.h5 differs: $4"
}

# expect_valid_results LOCKSTEP DIR: results.h5 passes `lockstep validate`
expect_valid_results() {
  "$1" validate "$2/results.h5" >"$work/validate.out" ||
    fail "$2/results.h5 is not valid: $(cat "$work/validate.out")"
}
