#!/usr/bin/env bash
# The README's demo command: installs what is missing, builds, and runs Lockstep end to end on
# 2 MPI ranks, printing what it found and where the outputs are.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
LOCKSTEP=${BUILD_DIR:-build}/bin/lockstep
OUT=${DEMO_OUT:-demo-output}
mkdir -p "$OUT"
RUN=(mpiexec -n 2 --oversubscribe)

echo "== lockstep --version"
"$LOCKSTEP" --version
echo "== check that MPI and parallel HDF5 work here (2 ranks)"
"${RUN[@]}" "$LOCKSTEP" check-env --dir "$OUT" --megabytes 16
echo "== generate the built-in sample: a takedown release with 9 planted campaigns, follow lists"
echo "   included (the ninth shows itself only in whom it follows) (2 ranks)"
"${RUN[@]}" "$LOCKSTEP" generate --out "$OUT/sample" --accounts 5000 --days 14 --seed 1 \
  --campaigns 9 --campaign-size 30 --parts 2 --follows
echo "== accounts per style in the ground truth ($OUT/sample/truth.csv)"
tail -n +2 "$OUT/sample/truth.csv" | cut -d, -f3 | sort | uniq -c | sort -rn
echo "== ingest the sample, its media table joined to the tweets and its follow lists, into one"
echo "   partitioned HDF5 store"
"${RUN[@]}" "$LOCKSTEP" ingest --store "$OUT/sample.h5" --tweets "$OUT"/sample/tweets-part-*.csv \
  --users "$OUT/sample/users.csv" --actions "$OUT"/sample/media-part-*.csv \
  --action-columns content_id=tweetid,account_id=userid,timestamp=timestamp,media=media_id \
  --follows "$OUT/sample/follows.csv" --partitions 16
echo "== validate the store against data-schema/store.md"
"${RUN[@]}" "$LOCKSTEP" validate "$OUT/sample.h5"
echo "== detect: behaviour features, co-action signals tested against the null model, clusters (2 ranks)"
"${RUN[@]}" "$LOCKSTEP" detect --store "$OUT/sample.h5" --job jobs/default.toml --out "$OUT/results"
echo "== the clusters found ($OUT/results/clusters.csv, first columns; the top shared keys follow)"
awk -F, '{ printf "%-10s %-5s %-9s %-8s %-9s %s\n", $1, $2, $3, $5, $7, $8 }' \
  "$OUT/results/clusters.csv"
echo "== how the clusters and the coordination graph compare with the planted campaigns"
"$LOCKSTEP" evaluate --truth "$OUT/sample/truth.csv" "$OUT/results"
echo "== the strongest edge (smallest p) and the evidence behind it"
best=$(tail -n +2 "$OUT/results/edges.csv" | sort -t, -k5,5g | sed -n 1p)
head -1 "$OUT/results/edges.csv" | cut -d, -f1-8
cut -d, -f1-8 <<<"$best"
head -1 "$OUT/results/evidence.csv"
grep "^$(cut -d, -f1-2 <<<"$best")," "$OUT/results/evidence.csv" | sed -n 1,3p
echo "== the HTML report (one file; open it in a browser, no network needed)"
"$LOCKSTEP" report "$OUT/results"
echo "== outputs in $OUT/: sample/ (the generated release and truth.csv), sample.h5 (the store),"
echo "   sample-manifest.json (inputs, counts, timings), sample-rejects.csv (rows that could not be read),"
echo "   results/ (report.html, accounts.csv, clusters.csv, cluster_activity.csv, edges.csv,"
echo "   evidence.csv, coordination.gexf for Gephi, results.h5, manifest.json)"
