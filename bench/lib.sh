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
