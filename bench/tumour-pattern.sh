#!/usr/bin/env bash
# bench/tumour-pattern.sh — how often the genome-wide aberration pattern
# (QC metric aberrant_autosomes: changes on more than two autosomes; the
# summary's aberrant_autosomes column) flags a pregnancy whose mother
# carries an occult tumour, and how often it flags one without.
#
#   WORK=/tmp/acc PROFILE=blind bench/accuracy.sh      # first: the reference
#   REF=/tmp/acc/ref.niptref bench/tumour-pattern.sh
#
# The cohort is bench/tumour-pattern.tsv (its header says how it was
# drawn): 40 tumour-bearing pregnancies, tumour fraction 2–10%, 3–6 arm-
# or chromosome-scale changes each, and 20 controls, simulated with the
# validation preset's laboratory (seed 11), analysed sex-blind with every
# condition screened. Prints the evaluation's CNV block (calls on the
# tumour's changes are neither matched nor false) and the flagged share
# by tumour fraction. The false flags of ordinary pregnancies are best
# read on the larger cohorts: the validation, CNV-recall, trisomy-recall
# and specificity benchmarks print their summaries' aberrant_autosomes
# column too.
#
# Environment: REF (required), ANNOTATION, SEED (default 11), THREADS,
# WORK, KEEP — as bench/cnv-recall.sh.
set -euo pipefail

: "${REF:?set REF to a reference built by bench/accuracy.sh}"
SEED=${SEED:-11}
THREADS=${THREADS:-2}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_workdir
bench_build

bench_recall tumour-pattern "$ROOT/bench/tumour-pattern.tsv" "*.counts" "40 tumour-bearing pregnancies and 20 controls"
sed -n '/^CNVs (match/,/^$/p' "$WORK/eval.txt"
# Flagged share by tumour fraction (the truth's tumour CNVs carry it).
awk -F'\t' 'FNR == 1 { for (i = 1; i <= NF; i++) c[FILENAME, $i] = i; next }
	FILENAME == ARGV[1] { tf = ""; n = split($c[FILENAME, "cnvs"], a, ";")
		for (i = 1; i <= n; i++) if (split(a[i], f, ":") == 5) tf = f[5]
		band[$1] = tf == "" ? "none" : (tf < 0.04 ? "2-4%" : (tf < 0.07 ? "4-7%" : "7-10%")); next }
	{ k = split($c[FILENAME, "aberrant_autosomes"], x, ";"); b = band[$1]; tot[b]++; if (k > 2) hit[b]++ }
	END { for (b in tot) printf "tumour fraction %s: flagged %d/%d\n", b, hit[b], tot[b] }' \
	"$WORK/cohort/truth.tsv" "$WORK/analysis/summary.tsv" | sort
echo "outputs: $WORK/eval (evaluation.json, plots), $WORK/analysis" >&2
