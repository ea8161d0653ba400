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

# median of the numbers on standard input
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# measure NAME CMD... runs CMD RUNS times and prints
# "NAME median_wall_s median_cpu_s max_rss_kb" (CPU = user + system).
measure() {
	local name=$1
	shift
	local walls=() cpus=() rss=0
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f '%e %U %S %M' -o "$WORK/time.txt" "$@" >/dev/null
		read -r t u s m <"$WORK/time.txt"
		walls+=("$t")
		cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')")
		((m > rss)) && rss=$m
	done
	echo "$name $(printf '%s\n' "${walls[@]}" | median) $(printf '%s\n' "${cpus[@]}" | median) $rss"
}

load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
results=()
results+=("$(measure samtools samtools view -c -@ "$THREADS" -q 1 "$BAM")")
for b in "${builds[@]}"; do
	results+=("$(measure "$b" "$WORK/$b" count -q --threads "$THREADS" "$BAM" -o "$WORK/out.counts")")
done

read -r _ sam_t sam_c _ <<<"${results[0]}"
printf '%s: %s records (%s read pairs, seed %s), %s MB, %s threads, median of %s runs\n' \
	"$(basename "$BAM")" "$records" "$READS" "$SEED" "$(($(stat -c %s "$BAM") / 1000000))" "$THREADS" "$RUNS"
printf 'load average before the runs: %s (other processes slow wall times; CPU times are steadier)\n' "$load"
printf '%-16s %8s %10s %8s %9s %11s %11s\n' tool wall_s wall_ratio cpu_s cpu_ratio peak_rss_MB Mrecords/s
for r in "${results[@]}"; do
	read -r name t c rss <<<"$r"
	awk -v n="$name" -v t="$t" -v c="$c" -v rss="$rss" -v s="$sam_t" -v sc="$sam_c" -v rec="$records" \
		'BEGIN {printf "%-16s %8.2f %10.2f %8.2f %9.2f %11.1f %11.2f\n", n, t, t/s, c, c/sc, rss/1024, rec/t/1e6}'
done
