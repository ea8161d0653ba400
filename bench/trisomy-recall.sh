#!/usr/bin/env bash
# bench/trisomy-recall.sh — trisomy 21, 18 and 13 detection measured on 100
# of each at FF 4–20%, where the validation cohort has 10–20: its
# sensitivity figures have lower 95% bounds of 69–82%, these of about 96%
# per condition and 99% for the three together.
#
#   WORK=/tmp/acc PROFILE=blind bench/accuracy.sh      # first: the reference
#   REF=/tmp/acc/ref.niptref bench/trisomy-recall.sh
#   REF=/tmp/real/ref.niptref ANNOTATION=/tmp/real/hg38.bins bench/trisomy-recall.sh
#
# The cohort is bench/trisomy-recall.tsv: 300 test samples with a full
# trisomy (T21, T18, T13 ×100) at a fetal fraction drawn uniformly from
# 4–20%, and 100 euploid controls (fetal fraction log-normal around 10%,
# within 4–30%), at 3–5 M read pairs, half of each fetal sex, four runs.
# It is simulated with the same simulated laboratory (`--landscape-seed`,
# default 1) as the validation preset, so REF — a reference built by
# bench/accuracy.sh on the same genome (ANNOTATION) — fits it; the samples
# are new draws (seed 9). The analysis is sex-blind with every condition
# screened (the profile bench/accuracy.sh calls "blind"). No-calls are
# counted apart from sensitivity, as nipt evaluate does; a trisomy called
# low risk is a false negative.
#
# Environment: REF (required), ANNOTATION (the .bins file the reference was
# built on; default the built-in synthetic genome), SEED (default 9),
# THREADS (default 2), WORK (default a new temporary directory, removed
# unless KEEP=1; a cohort already simulated there with the same seed and
# annotation is reused). Prints the screening part of nipt evaluate's
# report.
set -euo pipefail

: "${REF:?set REF to a reference built by bench/accuracy.sh}"
SEED=${SEED:-9}
THREADS=${THREADS:-2}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_workdir
bench_build

bench_recall trisomy-recall "$ROOT/bench/trisomy-recall.tsv" "TRI*.counts" "400 samples"
sed -n '1,/^$/p; /^Screening performance/,/^$/p; /^At true FF/,/^$/p; /^Sensitivity by true/,/^$/p; /^No-call rate/p' "$WORK/eval.txt" | awk '!seen[$0]++ || /^$/'
echo "outputs: $WORK/eval (evaluation.json, plots), $WORK/analysis" >&2
