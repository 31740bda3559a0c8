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
# The signals configured in [signals.NAME] job sections, from the signal table (lockstep signals).
signal_sections() { "$BIN/lockstep" signals | awk -F'\t' '$8 ~ /^signals\./ { print $2 }'; }

# QUT's benchmark input: CooRTweet's real Russian data replicated 20 times (702,500 rows), each copy
# with its own ids and shifted by 10^8 s (tests/data/peers/README.md). Writes it to $1.
russian20() {
  awk -F, 'NR == 1 { print; next } { rows[NR] = $0 }
    END { for (k = 0; k < 20; ++k) for (i = 2; i <= NR; ++i) {
            split(rows[i], f, ","); s = sprintf("_r%02d\"", k);
            for (j = 1; j <= 3; ++j) sub(/"$/, s, f[j]);
            printf "%s,%s,%s,%.0f\n", f[1], f[2], f[3], f[4] + k * 1e8 } }' \
    tests/data/coortweet_russian_coord_tweets.csv > "$1"
}

# Real IO-archive rows at scale: the rows of Twitter's 2018 IRA release in tests/data (every field
# quoted, texts with newlines, 31 columns, hashed and numeric user ids; the last, cut short in the
# sample, left out: 407 rows) copied $2 times, each copy with its own tweet and user ids (their
# last four digits replaced by the copy's number, so the snowflake times stay). Writes it to $1.
ira_copies() {
  awk -v copies="$2" 'NR == 1 { print; next } { rows[++n] = $0 } /^"[0-9]+","/ { last = n }
    END { for (k = 0; k < copies; ++k) { tag = sprintf("%04d", k)
            for (i = 1; i < last; ++i) { line = rows[i]
              if (match(line, /^"[0-9]+","[^"]+",/)) {
                split(substr(line, 2, RLENGTH - 3), id, "\",\"")
                line = "\"" substr(id[1], 1, length(id[1]) - 4) tag "\",\"" \
                       substr(id[2], 1, length(id[2]) - 4) tag "\"," substr(line, RLENGTH + 1) }
              print line } } }' tests/data/io_tweets_sample_ira_2018.csv > "$1"
}
