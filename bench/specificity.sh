#!/usr/bin/env bash
# bench/specificity.sh — false positives measured on a large euploid
# cohort: the validation cohort's ~100 negatives per condition cannot show
# a specificity of 99.9%, nor a CNV false-call rate below 0.1 per sample
# to better than ±0.05.
#
#   WORK=/tmp/acc PROFILE=blind bench/accuracy.sh      # first: the reference
#   REF=/tmp/acc/ref.niptref bench/specificity.sh
#   REF=/tmp/real/ref.niptref ANNOTATION=/tmp/real/hg38.bins bench/specificity.sh
#
# N euploid pregnancies (default 3000) drawn exactly like the validation
# preset's references (nipt simulate cohort --preset validation
# --extra-references: FF log-normal around 10% within 4–25%, 3–5 M read
# pairs, half of each fetal sex, the preset's four runs, the same simulated
# laboratory), in chunks of CHUNK (default 500, seeds 101, 102, …; each
# chunk also simulates the preset's 201 samples, which are not analysed),
# are analysed sex-blind against REF, a reference built by bench/accuracy.sh
# on the same genome (ANNOTATION), and deleted chunk by chunk (a chunk's
# counts take about 1.7 GB). Every call but low risk is counted: high-risk
# T13, T18, T21, rare trisomies and SCAs are false positives, every CNV
# call is a false call, and no-calls are reported apart; the per-chromosome
# z-score SD shows how well each chromosome's null is calibrated.
#
# Each run of a chunk (the preset's four, about 125 samples each) is
# analysed as one batch. QC_CONFIG passes a qc.toml to nipt analyze, e.g.
# one with batch_offsets = "correct" to measure the batch correction.
#
# Environment: REF (required), ANNOTATION, N, CHUNK, THREADS (default 2),
# QC_CONFIG, SPIKE (a nipt simulate cohort --format counts directory of
# the same simulated laboratory, e.g. bench/trisomy-recall.sh's cohort:
# each run's spiked samples are spread over the chunks and analysed in the
# batch of their run, so that sensitivity is measured in realistic batches
# too; the specificity counts only the euploid pregnancies),
# WORK (default a new temporary directory, removed unless KEEP=1; chunks
# already analysed there with the same settings are reused).
set -euo pipefail

: "${REF:?set REF to a reference built by bench/accuracy.sh}"
N=${N:-3000}
CHUNK=${CHUNK:-500}
THREADS=${THREADS:-2}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
command -v python3 >/dev/null || { echo "bench/specificity.sh: python3 not found (it tallies the calls)" >&2; exit 1; }
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_workdir
bench_build

PROFILE_TOML="$WORK/profile-blind.toml"
bench_profile "$PROFILE_TOML" blind "nipt specificity benchmark (simulated data)" never
simargs=()
[[ -n "${ANNOTATION:-}" ]] && simargs=(--annotation "$ANNOTATION")
refid=$(sha256sum "$REF" | cut -c1-16)
qcargs=()
qcstamp=""
if [[ -n "${SPIKE:-}" ]]; then
	[[ -s "$SPIKE/truth.tsv" ]] || { echo "bench/specificity.sh: SPIKE=$SPIKE has no truth.tsv (a nipt simulate cohort --format counts directory)" >&2; exit 1; }
	qcstamp+=" spike=$(sha256sum "$SPIKE/truth.tsv" | cut -c1-16)"
fi
if [[ -n "${QC_CONFIG:-}" ]]; then
	qcargs=(--qc-config "$QC_CONFIG")
	qcstamp+=" qc=$(sha256sum "$QC_CONFIG" | cut -c1-16)"
fi

chunks=$(((N + CHUNK - 1) / CHUNK))
for ((k = 1; k <= chunks; k++)); do
	n=$((k < chunks ? CHUNK : N - (chunks - 1) * CHUNK))
	out="$WORK/chunk$k"
	stamp="seed=$((100 + k)) n=$n annotation=${ANNOTATION:-builtin} ref=$refid$qcstamp"
	if [[ -s "$out/summary.tsv" && "$(cat "$out/.bench-stamp" 2>/dev/null)" == "$stamp" ]]; then
		echo "chunk $k/$chunks: reusing $out" >&2
		continue
	fi
	echo "chunk $k/$chunks: simulating and analysing $n euploid pregnancies (seed $((100 + k))) ..." >&2
	rm -rf "$out" "$WORK/cohort" "$WORK/analysis"
	: >"$WORK/analyze.log"
	"$NIPT" simulate cohort -q -t "$THREADS" --preset validation --extra-references "$n" --seed $((100 + k)) \
		--format counts "${simargs[@]}" -o "$WORK/cohort"
	# Each sequencing run (the truth's batch column) is analysed as its own
	# batch, as a laboratory analyses a run: the batch QC, and with
	# batch_offsets = "correct" the batch correction, see one run.
	mkdir -p "$WORK/analysis"
	for run in $(awk -F'\t' 'NR > 1 && $1 ~ /^XREF/ {print $12}' "$WORK/cohort/truth.tsv" | sort -u); do
		awk -F'\t' -v run="$run" -v dir="$WORK/cohort" 'NR > 1 && $1 ~ /^XREF/ && $12 == run {print dir "/" $1 ".counts"}' "$WORK/cohort/truth.tsv" >"$WORK/files.txt"
		if [[ -n "${SPIKE:-}" ]]; then
			# This chunk's share of the spiked samples of the run.
			awk -F'\t' -v run="$run" -v dir="$SPIKE" -v k="$k" -v n="$chunks" 'NR > 1 && $12 == run && (i++ % n) == k - 1 {print dir "/" $1 ".counts"}' "$SPIKE/truth.tsv" >>"$WORK/files.txt"
		fi
		mapfile -t files <"$WORK/files.txt"
		"$NIPT" analyze -q -t "$THREADS" --profile "$PROFILE_TOML" "${qcargs[@]}" --reference "$REF" "${files[@]}" -o "$WORK/analysis/$run" 2>>"$WORK/analyze.log" || {
			cat "$WORK/analyze.log" >&2
			exit 1
		}
	done
	mkdir -p "$out"
	# Keep the summaries, the batch QC and every sample's autosomal
	# z-scores; drop the rest.
	python3 - "$WORK/analysis" "$out" <<'PY'
import glob, json, os, shutil, sys
src, dst = sys.argv[1], sys.argv[2]
with open(os.path.join(dst, "z.tsv"), "w") as f:
    for p in sorted(glob.glob(os.path.join(src, "*", "*", "result.json"))):
        r = json.load(open(p))
        for c in r["chromosomes"]:
            f.write("%s\t%s\t%r\n" % (r["sample"], c["chrom"], c["z"]))
with open(os.path.join(dst, "summary.tsv"), "w") as out, open(os.path.join(dst, "batch_qc.tsv"), "w") as bq:
    for i, run in enumerate(sorted(os.listdir(src))):
        for name, f in (("summary.tsv", out), ("batch_qc.tsv", bq)):
            lines = open(os.path.join(src, run, name)).read().splitlines(True)
            if name == "batch_qc.tsv":
                lines = [("run\t" if j == 0 else run + "\t") + l for j, l in enumerate(lines)]
            f.writelines(lines if i == 0 else lines[1:])
PY
	echo "$stamp" >"$out/.bench-stamp"
	rm -rf "$WORK/cohort" "$WORK/analysis"
done

python3 - "$WORK" "$chunks" "${SPIKE:-}" <<'PY'
import csv, math, os, statistics, sys
work, chunks, spike = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def cp(k, n):
    # Exact Clopper–Pearson 95% interval of k/n (bisection on the binomial,
    # terms in log space: the coefficients overflow a float).
    def cdf(x, p):
        if p <= 0:
            return 1.0
        if p >= 1:
            return 1.0 if x >= n else 0.0
        lp, lq, ln = math.log(p), math.log1p(-p), math.lgamma(n + 1)
        return sum(math.exp(ln - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * lp + (n - i) * lq) for i in range(x + 1))
    def solve(f):
        lo, hi = 0.0, 1.0
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if f(mid) else (lo, mid)
        return (lo + hi) / 2
    lo = 0.0 if k == 0 else solve(lambda p: 1 - cdf(k - 1, p) < 0.025)
    hi = 1.0 if k == n else solve(lambda p: cdf(k, p) > 0.025)
    return lo, hi

rows, zs = [], {}
for k in range(1, chunks + 1):
    d = os.path.join(work, "chunk%d" % k)
    rows += list(csv.DictReader(open(os.path.join(d, "summary.tsv")), delimiter="\t"))
    for line in open(os.path.join(d, "z.tsv")):
        s, c, z = line.split("\t")
        if c not in ("chrX", "chrY") and s.startswith("XREF"):
            zs.setdefault(c, []).append(float(z))
spiked = [r for r in rows if not r["sample"].startswith("XREF")]
rows = [r for r in rows if r["sample"].startswith("XREF")]
n = len(rows)
print("nipt specificity benchmark: %d euploid pregnancies, sex-blind" % n)
print("%-10s %6s %6s %8s  %s" % ("condition", "tested", "FP", "no-call", "specificity (95% CI), no-calls excluded"))
for c in ("13", "18", "21"):
    calls = [r["call" + c] for r in rows]
    nc = calls.count("no_call")
    fp = calls.count("high_risk")
    t = n - nc
    lo, hi = cp(t - fp, t)
    print("%-10s %6d %6d %8d  %.3f%% (%.3f–%.3f)" % ("T" + c, t, fp, nc, 100 * (t - fp) / t, 100 * lo, 100 * hi))
rat = sum(1 for r in rows if r["rat"] not in ("", "NA"))
print("%-10s %6d %6d %8s  %d of %d samples with a rare-trisomy call" % ("RAT", n, rat, "-", rat, n))
sca = [r["sca"] for r in rows]
snc = sca.count("no_call")
sfp = sum(1 for v in sca if v not in ("low_risk", "no_call", "NA", ""))
st = n - snc
lo, hi = cp(st - sfp, st)
print("%-10s %6d %6d %8d  %.3f%% (%.3f–%.3f)" % ("SCA", st, sfp, snc, 100 * (st - sfp) / st, 100 * lo, 100 * hi))
cnv = sum(len([x for x in r["cnvs"].split(";") if x]) for r in rows)
with_cnv = sum(1 for r in rows if r["cnvs"])
print("CNV calls: %d in %d samples, %.4f per sample (%d samples with any)" % (cnv, n, cnv / n, with_cnv))
nocall = sum(1 for r in rows if r["no_call_reason"])
print("samples with any no-call: %d (%.1f%%)" % (nocall, 100 * nocall / n))
sds = []
print("z-score SD by autosome (1 = calibrated; sampling SD %.3f):" % (1 / math.sqrt(2 * (n - 1))))
line = []
for i in range(1, 23):
    v = zs["chr%d" % i]
    s = statistics.stdev(v)
    sds.append(s)
    line.append("chr%d %.3f" % (i, s))
print("  " + ", ".join(line))
print("  RMS log SD %.4f; |z| > 3.2: %d of %d (%.1f expected for a standard normal)" % (
    math.sqrt(sum(math.log(s) ** 2 for s in sds) / len(sds)),
    sum(1 for v in zs.values() for z in v if abs(z) > 3.2), sum(len(v) for v in zs.values()),
    sum(len(v) for v in zs.values()) * 2 * 0.000687))
if spike:
    truth = {r["sample"]: r for r in csv.DictReader(open(os.path.join(spike, "truth.tsv")), delimiter="\t")}
    print("spiked samples (%s), analysed in the same run batches: %d" % (spike, len(spiked)))
    print("%-10s %6s %9s %8s %7s" % ("condition", "n", "high_risk", "low_risk", "no_call"))
    for c in ("13", "18", "21"):
        got = [r["call" + c] for r in spiked if truth[r["sample"]]["trisomy"] == c]
        if got:
            print("%-10s %6d %9d %8d %7d" % ("T" + c, len(got), got.count("high_risk"), got.count("low_risk"), got.count("no_call")))
    ctrl = [r for r in spiked if truth[r["sample"]]["trisomy"] in ("", "0", "NA")]
    fp = sum(1 for r in ctrl for c in ("13", "18", "21") if r["call" + c] == "high_risk")
    print("spiked euploid controls: %d, trisomy calls %d" % (len(ctrl), fp))
PY
echo "outputs: $WORK/chunk*/summary.tsv, z.tsv, batch_qc.tsv (per run)" >&2
