#!/usr/bin/env bash
# bench/stress.sh — robustness of the engine to labs and plasma it was not
# developed on: the validation benchmark (bench/accuracy.sh, sex-blind) on
# cohorts drawn from other settings of the simulator's model, one run per
# parameter file, and one line of results each.
#
#   WORK=/tmp/stress bench/stress.sh                      # every bench/stress/*.json, plus the defaults
#   WORK=/tmp/stress bench/stress.sh bench/stress/hard.json
#
# Each parameter file overrides a few of the simulator's parameters (nipt
# simulate cohort --params; docs/simulation.md), about doubling one source
# of variation over its default; hard.json doubles them all at once. The
# engine and its settings are the same in every run: nothing is refitted
# to the setting except the reference, which a lab builds from its own
# samples. docs/validation.md ("Robustness") has the latest table.
# Environment: WORK (default a new temporary directory), SEED (default 1),
# THREADS, ANNOTATION as for bench/accuracy.sh.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/nipt-stress.XXXXXX")}
mkdir -p "$WORK"
command -v python3 >/dev/null || { echo "bench/stress.sh: python3 not found (it formats the table)" >&2; exit 1; }

if (($# == 0)); then
	set -- default "$ROOT"/bench/stress/*.json
fi
for p in "$@"; do
	name=$(basename "$p" .json)
	echo "== $name" >&2
	if [[ "$p" == default ]]; then
		WORK="$WORK/$name" PROFILE=blind "$ROOT/bench/accuracy.sh" >"$WORK/$name.out" 2>"$WORK/$name.err"
	else
		WORK="$WORK/$name" PROFILE=blind PARAMS="$(cd "$(dirname "$p")" && pwd)/$(basename "$p")" \
			"$ROOT/bench/accuracy.sh" >"$WORK/$name.out" 2>"$WORK/$name.err"
	fi
done

python3 - "$WORK" "$@" <<'EOF'
import json, os, sys

work, names = sys.argv[1], [os.path.basename(a).removesuffix(".json") for a in sys.argv[2:]]

def frac(s):
    return f"{s['k']}/{s['n']}"

def cond(ev, name):
    for c in ev["conditions"]:
        if c["condition"] == name:
            return c
    return None

def ref_ratio(path):
    # chr21 noise ratio from the reference summary (nipt reference show):
    # the "ratio" column (pooled across autosomes), not "cv_ratio".
    try:
        for line in open(path):
            f = line.split()
            if f and f[0] == "chr21":
                return f[7] if len(f) > 7 else f[-1]
    except OSError:
        pass
    return "NA"

cols = ["setting", "T21/T18/T13 TP", "FN", "FP", "no-call (FF≥4%)", "RAT FP",
        "SCA FP/FN", "FF r female", "FF cover", "CNV recall ≥5Mb FF≥8%",
        "CNV false/sample", "chr21 ratio"]
print("| " + " | ".join(cols) + " |")
print("|" + " --- |" * len(cols))
for n in names:
    d = os.path.join(work, n)
    try:
        ev = json.load(open(os.path.join(d, "eval", "evaluation.json")))
    except OSError:
        print(f"| {n} | run failed: see {d}.err |" + " |" * (len(cols) - 2))
        continue
    tp = fn = fp = 0
    for c in ("T21", "T18", "T13"):
        x = cond(ev, c)
        tp += x["tp"]; fn += x["fn"]; fp += x["fp"]
    rat = cond(ev, "RAT") or {}
    sca = cond(ev, "SCA") or {}
    nc = [g for g in ev["no_call"]["by_ff"] if g["group"] in ("4%–8%", "8%–12%", "≥12%")]
    k = sum(g["share"]["k"] for g in nc); m = sum(g["share"]["n"] for g in nc)
    ff = ev["fetal_fraction"]["by_fetal_sex"]["female"]
    cnv = ev["cnv"]
    print("| " + " | ".join([
        n, str(tp), str(fn), str(fp), f"{k}/{m}", str(rat.get("fp", "NA")),
        f"{sca.get('fp', 'NA')}/{sca.get('fn', 'NA')}",
        f"{ff['pearson_r']:.3f}", f"{ff['interval_coverage']['value']:.3f}",
        frac(cnv["recall_headline"]["share"]), f"{cnv['false_calls']['per_sample']:.3f}",
        ref_ratio(os.path.join(d, "ref.summary.txt")),
    ]) + " |")
EOF
