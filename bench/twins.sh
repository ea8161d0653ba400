#!/usr/bin/env bash
# bench/twins.sh — trisomy screening in twin pregnancies, called per fetus
# (nipt analyze --sample-sheet with pregnancy = twin) against the same
# samples analysed as singletons (no sheet).
#
#   WORK=/tmp/acc PROFILE=blind bench/accuracy.sh      # first: the reference
#   REF=/tmp/acc/ref.niptref bench/twins.sh
#
# The cohort is bench/twins.tsv (its header says how it was drawn): 80
# dizygotic twin pregnancies — T21 ×20, T18 ×10, T13 ×10 in one twin and
# 20 euploid at a total fetal fraction of 6–24%, the affected twin
# carrying 30–70% of it, and 20 T21s in the smaller twin (30–40%) at a
# total of 6–12% — simulated with the validation preset's
# laboratory (seed 13) and analysed sex-blind with every condition
# screened, once with the sample sheet the truth implies and once
# without. Prints both evaluations' screening tables and no-call rates.
#
# Environment: REF (required), ANNOTATION, SEED (default 13), THREADS,
# WORK, KEEP — as bench/cnv-recall.sh.
set -euo pipefail

: "${REF:?set REF to a reference built by bench/accuracy.sh}"
SEED=${SEED:-13}
THREADS=${THREADS:-2}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_workdir
bench_build

# Simulates the cohort and analyses it without a sheet (as singletons).
bench_recall twins "$ROOT/bench/twins.tsv" "TW*.counts" "80 twin pregnancies"
mv "$WORK/eval.txt" "$WORK/eval-singleton.txt"
# The sample sheet a laboratory would hold: every sample a twin pregnancy.
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print "sample\tpregnancy"; next }
	{ print $1 "\t" ($c["twins"] == "1" ? "twin" : "singleton") }' "$WORK/cohort/truth.tsv" >"$WORK/samples.tsv"
rm -rf "$WORK/analysis-twin"
"$NIPT" analyze -q -t "$THREADS" --profile "$WORK/profile-blind.toml" --sample-sheet "$WORK/samples.tsv" \
	--reference "$REF" "$WORK"/cohort/TW*.counts -o "$WORK/analysis-twin"
"$NIPT" evaluate -q --truth "$WORK/cohort/truth.tsv" --summary "$WORK/analysis-twin/summary.tsv" -o "$WORK/eval-twin" >"$WORK/eval-twin.txt"
for v in twin singleton; do
	echo "== analysed as $v pregnancies"
	sed -n '/^Screening performance/,/^$/p' "$WORK/eval-$v.txt" | grep -E '^(condition|T21|T18|T13) '
	grep -E '^No-call rate' "$WORK/eval-$v.txt"
done
echo "outputs: $WORK/eval-twin, $WORK/analysis-twin (per fetus); $WORK/eval, $WORK/analysis (as singletons)" >&2
