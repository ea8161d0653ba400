#!/usr/bin/env bash
# bench/count.sh — wall time and peak memory of "nipt count" against
# "samtools view -c -q 1" on the same simulated BAM, same thread count.
#
#   bench/count.sh                      # 10 M pairs = 20 M records, 2 threads
#   READS=1000000 bench/count.sh        # quicker
#   KEEP=1 WORK=/tmp/nb bench/count.sh  # keep and reuse the BAM in /tmp/nb
#
# Environment: READS (read pairs, default 10000000), THREADS (default 2),
# SEED (default 1), RUNS (timed runs per tool, default 3; the median is
# reported), WORK (scratch directory, default a new temporary one), KEEP=1
# keeps WORK. Needs go, samtools and GNU time (/usr/bin/time); the
# libdeflate build is measured too when libdeflate-dev is installed.
# The BAM is made by the project's own simulator:
#   nipt simulate sample -o bench.bam --reads N --paired --seed S --seq
# (--seq writes random bases and qualities so the file has a realistic size).
set -euo pipefail

READS=${READS:-10000000}
THREADS=${THREADS:-2}
SEED=${SEED:-1}
RUNS=${RUNS:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

for tool in go samtools /usr/bin/time; do
	command -v "$tool" >/dev/null || { echo "bench/count.sh: $tool not found" >&2; exit 1; }
done
if [[ -z "${WORK:-}" ]]; then
	WORK=$(mktemp -d)
fi
mkdir -p "$WORK"
if [[ "${KEEP:-}" != 1 ]]; then
	trap 'rm -rf "$WORK"' EXIT
fi

echo "building nipt ..." >&2
(cd "$ROOT" && go build -o "$WORK/nipt" ./cmd/nipt)
builds=(nipt)
if [[ -f /usr/include/libdeflate.h ]] && (cd "$ROOT" && go build -tags libdeflate -o "$WORK/nipt-libdeflate" ./cmd/nipt 2>/dev/null); then
	builds+=(nipt-libdeflate)
fi

BAM="$WORK/bench-$READS-$SEED.bam"
if [[ ! -s "$BAM" ]]; then
	echo "simulating $READS read pairs into $BAM ..." >&2
	"$WORK/nipt" simulate sample -q -o "$BAM" --reads "$READS" --paired --seed "$SEED" --seq
fi
records=$(samtools view -c -@ "$THREADS" "$BAM")
cat "$BAM" >/dev/null # warm the page cache for every tool alike

# measure NAME CMD... runs CMD RUNS times, prints "NAME median_seconds max_rss_kb".
measure() {
	local name=$1
	shift
	local times=() rss=0
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f '%e %M' -o "$WORK/time.txt" "$@" >/dev/null
		read -r t m <"$WORK/time.txt"
		times+=("$t")
		((m > rss)) && rss=$m
	done
	local med
	med=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	echo "$name $med $rss"
}

results=()
results+=("$(measure samtools samtools view -c -@ "$THREADS" -q 1 "$BAM")")
for b in "${builds[@]}"; do
	results+=("$(measure "$b" "$WORK/$b" count -q --threads "$THREADS" "$BAM" -o "$WORK/out.counts")")
done

sam_t=$(echo "${results[0]}" | awk '{print $2}')
printf '%s: %s records (%s read pairs, seed %s), %s MB, %s threads, median of %s runs\n' \
	"$(basename "$BAM")" "$records" "$READS" "$SEED" "$(($(stat -c %s "$BAM") / 1000000))" "$THREADS" "$RUNS"
printf '%-16s %9s %11s %9s %14s\n' tool wall_s peak_rss_MB ratio Mrecords/s
for r in "${results[@]}"; do
	read -r name t rss <<<"$r"
	awk -v n="$name" -v t="$t" -v rss="$rss" -v s="$sam_t" -v rec="$records" \
		'BEGIN {printf "%-16s %9.2f %11.1f %9.2f %14.2f\n", n, t, rss/1024, t/s, rec/t/1e6}'
done
