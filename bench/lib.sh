# bench/lib.sh — shared by the bench scripts (sourced, not run).

# bench_workdir sets WORK: the directory given, kept; or a new temporary
# one, removed on exit unless KEEP=1.
bench_workdir() {
	if [[ -z "${WORK:-}" ]]; then
		WORK=$(mktemp -d)
		# Only a directory made here is removed; a WORK you give is kept.
		if [[ "${KEEP:-}" != 1 ]]; then
			trap 'rm -rf "$WORK"' EXIT
		fi
	fi
	mkdir -p "$WORK"
}

# bench_build builds nipt from the tree at ROOT into $WORK/nipt and sets NIPT.
bench_build() {
	NIPT="$WORK/nipt"
	echo "building nipt ..." >&2
	(cd "$ROOT" && go build -o "$NIPT" ./cmd/nipt)
}

# bench_profile FILE NAME LAB_NAME FETAL_SEX writes the lab profile
# "bench-NAME" that screens every condition under the fetal-sex policy
# FETAL_SEX ("never" for the benchmarks' sex-blind profile; any other
# policy gets the audit log it requires, audit-NAME.jsonl); prevalences
# are placeholders.
bench_profile() {
	{
		printf 'profile = "bench-%s"\n[lab]\nname = "%s"\n' "$2" "$3"
		printf '[screening]\nconditions = ["T21", "T18", "T13", "SCA", "RAT", "CNV"]\n'
		printf '[disclosure]\nfetal_sex = "%s"\nsex_chromosome_aneuploidy = "report_type"\n' "$4"
		[[ "$4" == never ]] || printf 'audit_log = "audit-%s.jsonl"\n' "$2"
		for c in T21 T18 T13 SCA RAT CNV; do
			printf '[performance.%s]\ndetection_rate = 0.99\nspecificity = 0.999\nprevalence = 0.001\nbasis = "benchmark placeholder"\n' "$c"
		done
	} >"$1"
}

# bench_recall NAME SPEC GLOB WHAT simulates the cohort spec SPEC (seed
# SEED, on ANNOTATION if set) into $WORK/cohort — reused when a cohort
# simulated there with the same name, seed, annotation and spec exists —
# and analyses its samples matching GLOB sex-blind against REF (the
# profile bench_profile writes as "blind"), then evaluates them against
# the truth into $WORK/eval and $WORK/eval.txt. WHAT describes the cohort
# in the progress messages. The recall benchmarks share it.
bench_recall() {
	local name=$1 spec=$2 glob=$3 what=$4
	local cohort="$WORK/cohort"
	local stamp
	stamp="$name seed=$SEED annotation=${ANNOTATION:-builtin} spec=$(sha256sum "$spec" | cut -c1-16)"
	if [[ -s "$cohort/truth.tsv" && "$(cat "$cohort/.bench-stamp" 2>/dev/null)" == "$stamp" ]]; then
		echo "reusing the cohort in $cohort" >&2
	else
		rm -rf "$cohort"
		local simargs=()
		[[ -n "${ANNOTATION:-}" ]] && simargs=(--annotation "$ANNOTATION")
		echo "simulating $what (seed $SEED) ..." >&2
		"$NIPT" simulate cohort -q -t "$THREADS" --spec "$spec" --format counts --seed "$SEED" "${simargs[@]}" -o "$cohort"
		echo "$stamp" >"$cohort/.bench-stamp"
	fi
	local profile="$WORK/profile-blind.toml"
	bench_profile "$profile" blind "nipt $name benchmark (simulated data)" never
	echo "analysing against $REF ..." >&2
	rm -rf "$WORK/analysis"
	# shellcheck disable=SC2086 # GLOB is a pattern
	"$NIPT" analyze -q -t "$THREADS" --profile "$profile" --reference "$REF" $cohort/$glob -o "$WORK/analysis"
	"$NIPT" evaluate -q --truth "$cohort/truth.tsv" --summary "$WORK/analysis/summary.tsv" -o "$WORK/eval" >"$WORK/eval.txt"
}
