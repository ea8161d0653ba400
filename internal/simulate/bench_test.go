package simulate

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user+system CPU time. The benchmarks report it
// next to wall time because the build machine is shared: CPU seconds per
// operation stay meaningful when other processes compete for the cores.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCountsMode: one 4 M-pair sample in counts mode at 10 kb bins.
func BenchmarkCountsMode(b *testing.B) {
	ls := testLandscape(b, 10_000)
	s := sample(b, ls, Sample{FF: 0.1, Paired: true, Reads: 4_000_000}, 1)
	c0 := cpuTime()
	for b.Loop() {
		if _, _, err := ls.Counts(context.Background(), s, "", ""); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuTime()-c0).Seconds()/float64(b.N), "cpu-s/op")
}

// BenchmarkBAM: a 1 M-pair paired-end sample without SEQ/QUAL written as an
// indexed BAM, reporting reads (records) per second of wall and CPU time.
func BenchmarkBAM(b *testing.B) {
	ls := testLandscape(b, 10_000)
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("threads%d", threads), func(b *testing.B) {
			s := sample(b, ls, Sample{FF: 0.1, Paired: true, Reads: 1_000_000}, 1)
			dir := b.TempDir()
			var recs int64
			c0 := cpuTime()
			for b.Loop() {
				_, r, err := ls.WriteBAM(context.Background(), s, filepath.Join(dir, "x.bam"), BAMOptions{Threads: threads})
				if err != nil {
					b.Fatal(err)
				}
				recs += r.Records
			}
			b.ReportMetric(float64(recs)/b.Elapsed().Seconds()/1e6, "Mreads/s")
			b.ReportMetric(float64(recs)/(cpuTime()-c0).Seconds()/1e6, "Mreads/cpu-s")
		})
	}
}
