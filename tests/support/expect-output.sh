#!/usr/bin/env bash
# Runs a command and checks its exit status and combined output; used by ctest entries that test
# whole programs (failure paths, CLI behaviour) where asserting on the output beats WILL_FAIL.
# Usage: expect-output.sh [--status N|nonzero] [--match ERE]... [--no-match ERE]... [--once ERE]...
#                         -- COMMAND...
# --once: exactly one output line matches (for messages only rank 0 may print).
set -u
status=0
matches=()
no_matches=()
onces=()
while [ $# -gt 0 ]; do
  case "$1" in
    --status) status=$2; shift 2 ;;
    --match) matches+=("$2"); shift 2 ;;
    --no-match) no_matches+=("$2"); shift 2 ;;
    --once) onces+=("$2"); shift 2 ;;
    --) shift; break ;;
    *) echo "expect-output: unknown argument $1" >&2; exit 64 ;;
  esac
done
[ $# -gt 0 ] || { echo "expect-output: no command" >&2; exit 64; }

output=$("$@" 2>&1)
actual=$?
printf '%s\n' "$output"
echo "--- expect-output: exit status $actual"
fail=0
if [ "$status" = nonzero ]; then
  [ "$actual" -ne 0 ] || { echo "expect-output: expected a non-zero exit status"; fail=1; }
elif [ "$actual" -ne "$status" ]; then
  echo "expect-output: expected exit status $status"; fail=1
fi
for re in "${matches[@]+"${matches[@]}"}"; do
  grep -Eq -- "$re" <<<"$output" || { echo "expect-output: output lacks /$re/"; fail=1; }
done
for re in "${no_matches[@]+"${no_matches[@]}"}"; do
  if grep -Eq -- "$re" <<<"$output"; then echo "expect-output: output has /$re/"; fail=1; fi
done
for re in "${onces[@]+"${onces[@]}"}"; do
  n=$(grep -Ec -- "$re" <<<"$output")
  [ "$n" -eq 1 ] || { echo "expect-output: /$re/ matches $n lines, expected exactly 1"; fail=1; }
done
exit $fail
