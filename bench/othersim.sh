#!/usr/bin/env bash
# bench/othersim.sh — nipt on data from a second, independent simulator
# (bench/othersim: real hg38 GC/mappability landscape, Ensembl contig names,
# 75-bp paired reads as SAM on stdin, its own GC-bias, wave, over-dispersion
# and fragment-size models; see its package comment). The whole chain runs
# as a lab would: nipt count from SAM, nipt annotate from the GC and
# mappability tables, nipt reference build, nipt analyze (sex-blind, every
# condition screened), nipt evaluate.
#
#   bench/othersim.sh                       # WORK=/tmp/... kept with KEEP=1
#   WORK=/tmp/os SEED=7 bench/othersim.sh
#
# The cohort (othersim -cohort): 64 euploid references and 64 blind tests —
# T21 ×10, T18 ×8, T13 ×8 at FF 3–18%; each SCA ×2; 8 fetal CNVs of
# 6–12 Mb at FF 8–18%; maternal CNVs on chr21 (gain) and chr18 (loss);
# 20 euploid — at 3–5 M pairs in four runs.
#
# Environment: SEED (default 7), SIMARGS (extra othersim flags for every
# sample, e.g. "-single -ucsc" or "-run-wave 0.04"), COHORTARGS (extra
# flags of the design, e.g. "-new-test-runs": test samples from runs the
# reference has not seen), THREADS (default 2), SHARED (default
# ../shared next to the repository: data/hg38/{gc,map}_hg38_10kb.wig),
# WORK (default a new temporary directory, removed unless KEEP=1; counts
# already made there for the same seed are reused), QC_CONFIG (a qc.toml
# for nipt analyze --qc-config, e.g. ff_unknown = "population" for
# single-end data, docs/qc.md), PER_RUN=1 (analyse each test run as its
# own batch, as a laboratory does; with COHORTARGS="-new-test-runs
# -extra-euploid 240" the test runs hold enough euploid pregnancies to
# measure the batch correction and false positives).
set -euo pipefail

SEED=${SEED:-7}
THREADS=${THREADS:-2}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
GC=$SHARED/data/hg38/gc_hg38_10kb.wig
MAP=$SHARED/data/hg38/map_hg38_10kb.wig
if [[ ! -s "$GC" || ! -s "$MAP" ]]; then
	echo "bench/othersim.sh: needs $GC and $MAP (set SHARED to the folder holding data/hg38)" >&2
	exit 1
fi
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_workdir
bench_build
SIM="$WORK/othersim"
(cd "$ROOT" && go build -o "$SIM" ./bench/othersim)

mkdir -p "$WORK/counts"
"$SIM" -cohort -seed "$SEED" -gc "$GC" -map "$MAP" ${COHORTARGS:-} >"$WORK/truth.tsv"
SIMARGS=${SIMARGS:-}
if [[ "$(cat "$WORK/counts/.stamp" 2>/dev/null)" != "seed=$SEED args=$SIMARGS cohort=${COHORTARGS:-}" ]]; then
	rm -f "$WORK"/counts/*.counts
fi
echo "seed=$SEED args=$SIMARGS cohort=${COHORTARGS:-}" >"$WORK/counts/.stamp"

# One sample (its row of truth.tsv): simulate as SAM and count from stdin.
one() {
	local id=$1 row
	[[ -s "$WORK/counts/$id.counts" ]] && return 0
	row=$(awk -F'\t' -v id="$id" '$1 == id { print; exit }' "$WORK/truth.tsv")
	local sex ff tri sca cnvs run pairs seed
	sex=$(cut -f3 <<<"$row") ff=$(cut -f4 <<<"$row") tri=$(cut -f5 <<<"$row") sca=$(cut -f6 <<<"$row")
	cnvs=$(cut -f7 <<<"$row") run=$(cut -f8 <<<"$row") pairs=$(cut -f9 <<<"$row") seed=$(cut -f10 <<<"$row")
	"$SIM" -id "$id" -seed "$seed" -run "$run" -pairs "$pairs" -ff "$ff" -sex "$sex" \
		-sca "$sca" -trisomy "$tri" -cnv "$cnvs" -gc "$GC" -map "$MAP" $SIMARGS |
		"$NIPT" count -q -t 1 - -o "$WORK/counts/$id.counts"
}
export -f one
export SIM NIPT WORK GC MAP SIMARGS
echo "simulating and counting $(($(wc -l <"$WORK/truth.tsv") - 1)) samples ..." >&2
tail -n +2 "$WORK/truth.tsv" | cut -f1 | xargs -P "$THREADS" -I{} bash -c 'one "$1"' _ {}

"$NIPT" annotate -q --build hg38 --bin-size 10000 --gc-wig "$GC" --map-wig "$MAP" -o "$WORK/hg38.bins"

mapfile -t refs < <(awk -F'\t' -v d="$WORK/counts" 'NR > 1 && $2 == "reference" { print d "/" $1 ".counts" }' "$WORK/truth.tsv")
mapfile -t tests < <(awk -F'\t' -v d="$WORK/counts" 'NR > 1 && $2 == "test" { print d "/" $1 ".counts" }' "$WORK/truth.tsv")
echo "building the reference from ${#refs[@]} samples ..." >&2
"$NIPT" reference build -q -t "$THREADS" --annotation "$WORK/hg38.bins" "${refs[@]}" -o "$WORK/ref.niptref"
"$NIPT" reference show "$WORK/ref.niptref" >"$WORK/ref.summary.txt"

PROFILE_TOML="$WORK/profile-blind.toml"
bench_profile "$PROFILE_TOML" blind "nipt independent-simulator benchmark (simulated data)" never
echo "analysing ${#tests[@]} test samples ..." >&2
rm -rf "$WORK/analysis"
qcflags=()
[[ -n "${QC_CONFIG:-}" ]] && qcflags=(--qc-config "$QC_CONFIG")
if [[ "${PER_RUN:-0}" == 1 ]]; then
	# Each test run as its own batch (the batch QC and correction see one
	# run); the summaries are merged for the evaluation.
	mkdir -p "$WORK/analysis"
	for run in $(awk -F'\t' 'NR > 1 && $2 == "test" { print $8 }' "$WORK/truth.tsv" | sort -u); do
		mapfile -t files < <(awk -F'\t' -v d="$WORK/counts" -v run="$run" 'NR > 1 && $2 == "test" && $8 == run { print d "/" $1 ".counts" }' "$WORK/truth.tsv")
		"$NIPT" analyze -q -t "$THREADS" --profile "$PROFILE_TOML" "${qcflags[@]}" --reference "$WORK/ref.niptref" "${files[@]}" -o "$WORK/analysis/$run"
	done
	first=1
	for f in "$WORK"/analysis/*/summary.tsv; do
		if ((first)); then cat "$f"; else tail -n +2 "$f"; fi
		first=0
	done >"$WORK/analysis/summary.tsv"
else
	"$NIPT" analyze -q -t "$THREADS" --profile "$PROFILE_TOML" "${qcflags[@]}" --reference "$WORK/ref.niptref" "${tests[@]}" -o "$WORK/analysis"
fi
"$NIPT" evaluate -q --truth "$WORK/truth.tsv" --summary "$WORK/analysis/summary.tsv" -o "$WORK/eval" >"$WORK/eval.txt"
cat "$WORK/eval.txt"
echo "outputs: $WORK (ref.summary.txt, analysis/, eval/)" >&2
