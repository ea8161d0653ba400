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

# bench_blind_profile FILE LAB_NAME writes a lab profile that screens every
# condition and never discloses fetal sex (the benchmarks' "blind"
# profile; prevalences are placeholders).
bench_blind_profile() {
	{
		printf 'profile = "bench-blind"\n[lab]\nname = "%s"\n' "$2"
		printf '[screening]\nconditions = ["T21", "T18", "T13", "SCA", "RAT", "CNV"]\n'
		printf '[disclosure]\nfetal_sex = "never"\nsex_chromosome_aneuploidy = "report_type"\n'
		for c in T21 T18 T13 SCA RAT CNV; do
			printf '[performance.%s]\ndetection_rate = 0.99\nspecificity = 0.999\nprevalence = 0.001\nbasis = "benchmark placeholder"\n' "$c"
		done
	} >"$1"
}
