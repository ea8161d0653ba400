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
