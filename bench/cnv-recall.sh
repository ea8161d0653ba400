#!/usr/bin/env bash
# bench/cnv-recall.sh — recall of fetal CNVs ≥ 5 Mb at FF ≥ 8% measured on
# 100 of them, where the validation cohort has 10: its recall figure has a
# 95% interval of ±25 points, this one of about ±8.
#
#   WORK=/tmp/acc PROFILE=blind bench/accuracy.sh      # first: the reference
#   REF=/tmp/acc/ref.niptref bench/cnv-recall.sh
#   REF=/tmp/real/ref.niptref ANNOTATION=/tmp/real/hg38.bins bench/cnv-recall.sh
#
# The cohort is bench/cnv-recall.tsv: 100 test samples, each with one fetal
# CNV of 5–15 Mb (whole Mb, drawn uniformly), gains and losses alternating,
# on every autosome but 13, 18 and 21 in turn, at a fetal fraction drawn
# uniformly from 8–20%, 3–5 M read pairs, half of each fetal sex, four
# runs; each CNV lies where at least 90% of the 100 kb bins are usable in
# both benchmark genomes (the built-in synthetic one and the real hg38
# landscape; a CNV inside an unassembled centromere cannot be seen by any
# read-depth method). It is simulated with the same simulated laboratory
# (`--landscape-seed`, default 1) as the validation preset, so REF — a
# reference built by bench/accuracy.sh on the same genome (ANNOTATION) —
# fits it; the samples are new draws (seed 5). The analysis is sex-blind
# with every condition screened (the profile bench/accuracy.sh calls
# "blind").
#
# Environment: REF (required), ANNOTATION (the .bins file the reference was
# built on; default the built-in synthetic genome), SEED (default 5),
# THREADS (default 2), WORK (default a new temporary directory, removed
# unless KEEP=1; a cohort already simulated there with the same seed and
# annotation is reused), DEPTH (default 1: multiplies every sample's read
# pairs, e.g. DEPTH=1.25 for 3.75–6.25 M; the reference stays REF). Prints
# the CNV part of nipt evaluate's report.
set -euo pipefail

: "${REF:?set REF to a reference built by bench/accuracy.sh}"
SEED=${SEED:-5}
THREADS=${THREADS:-2}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_workdir
bench_build

SPEC="$ROOT/bench/cnv-recall.tsv"
DEPTH=${DEPTH:-1}
if [[ "$DEPTH" != 1 ]]; then
	SPEC="$WORK/cnv-recall-depth$DEPTH.tsv"
	awk -F'\t' -v m="$DEPTH" 'BEGIN { OFS = "\t" } /^#/ { print; next }
		!h { for (i = 1; i <= NF; i++) c[$i] = i; h = 1; print; next }
		{ $c["reads"] = int($c["reads"] * m / 1000) * 1000; print }' "$ROOT/bench/cnv-recall.tsv" >"$SPEC"
fi
bench_recall cnv-recall "$SPEC" "CNV*.counts" "100 samples with a fetal CNV (depth ×$DEPTH)"
sed -n '/^CNVs (match/,/^$/p' "$WORK/eval.txt"
# Rare-trisomy calls in these samples are false positives (no sample has a
# trisomy): a partial gain taken for a whole-chromosome one.
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$c["rat"] != "" { n++; s = s " " $1 ":" $c["rat"] }
	END { printf "rare-trisomy calls (all false): %d%s\n", n, s }' "$WORK/analysis/summary.tsv"
echo "outputs: $WORK/eval (evaluation.json, plots), $WORK/analysis" >&2
