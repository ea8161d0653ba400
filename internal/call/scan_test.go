package call

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nipt/nipt/internal/genome"
)

// scanGenome draws unit-weight noise (SD sd per bin) on chromosomes chroms
// of a 100 kb GRCh38 layout, with an optional change of level shift over
// bins [from, to) of the first chromosome.
func scanGenome(r *rand.Rand, l *genome.Layout, chroms []int, sd, shift float64, from, to int) (x, s []float64) {
	x = make([]float64, l.NumBins())
	s = make([]float64, l.NumBins())
	for j := range x {
		x[j] = math.NaN()
	}
	for _, c := range chroms {
		for j := l.Offset[c]; j < l.Offset[c+1]; j++ {
			x[j], s[j] = sd*r.NormFloat64(), sd
			if k := j - l.Offset[chroms[0]]; c == chroms[0] && k >= from && k < to {
				x[j] += shift
			}
		}
	}
	return x, s
}

// TestFetalScanFalseRate: on independent Gaussian noise the share of
// genomes with a significant window matches the requested rate. Chromosomes
// 19–22 (≈ 2,100 bins at 100 kb), FF 10% ± 0.5 points, per-bin SD 0.1,
// α = 0.2 so that 300 genomes give a usable count: expected 60 ± 7
// (binomial SD); the Siegmund-type approximation is asymptotic, so the
// test allows 0.5–1.3 times the nominal rate (a conservative error is
// safe, an anti-conservative one beyond 30% is not).
func TestFetalScanFalseRate(t *testing.T) {
	if testing.Short() {
		t.Skip("300 genome scans")
	}
	l, _ := genome.NewLayout(genome.GRCh38, 100_000)
	cfg := DefaultConfig()
	cfg.CNVScanFalseCalls = 0.2
	r := rand.New(rand.NewPCG(3, 4))
	chroms := []int{18, 19, 20, 21}
	hits := 0
	const n = 300
	for range n {
		x, s := scanGenome(r, l, chroms, 0.1, 0, 0, 0)
		in := ScanInput{SegmentInput: SegmentInput{Layout: l, X: x, SD: s, Chroms: chroms}, FF: FFPrior{Value: 0.1, SE: 0.005}, MinBins: 30}
		if len(FetalScan(in, cfg)) > 0 {
			hits++
		}
	}
	t.Logf("false-call rate %.3f", float64(hits)/n)
	if rate := float64(hits) / n; rate < 0.5*cfg.CNVScanFalseCalls || rate > 1.3*cfg.CNVScanFalseCalls {
		t.Errorf("false-call rate %.3f, requested %.2f", rate, cfg.CNVScanFalseCalls)
	}
}

// TestFetalScanPower: a 5 Mb fetal loss at FF 10% (level log2(0.95),
// expected z 0.074·√50/0.1 = 5.2 with per-bin SD 0.1) is found by the scan
// more often than by CBS at the same genome-wide false-call rate (both
// 0.05) (a match:
// reciprocal overlap ≥ 50%, as nipt evaluate counts); 60 draws.
func TestFetalScanPower(t *testing.T) {
	l, _ := genome.NewLayout(genome.GRCh38, 100_000)
	cfg := DefaultConfig()
	// The same genome-wide rate for both tests, whatever the defaults'
	// split of the budget.
	cfg.CNVFalseCalls, cfg.CNVScanFalseCalls = 0.05, 0.05
	r := rand.New(rand.NewPCG(5, 6))
	chroms := []int{18, 19, 20, 21}
	shift := math.Log2(1 - 0.1/2)
	var scan, cbs int
	const n = 60
	for range n {
		x, s := scanGenome(r, l, chroms, 0.1, shift, 200, 250)
		in := ScanInput{SegmentInput: SegmentInput{Layout: l, X: x, SD: s, Chroms: chroms}, FF: FFPrior{Value: 0.1, SE: 0.005}, MinBins: 30}
		for _, sg := range FetalScan(in, cfg) {
			if sg.Chrom == 18 && overlaps(sg, l.Offset[18]+200, l.Offset[18]+250) {
				scan++
				break
			}
		}
		segs, err := Segments(in.SegmentInput, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, sg := range segs {
			if sg.Chrom == 18 && !sg.Whole && overlaps(sg, l.Offset[18]+200, l.Offset[18]+250) && sg.Z < -3 {
				cbs++
				break
			}
		}
	}
	t.Logf("found: scan %d/%d, CBS %d/%d", scan, n, cbs, n)
	if scan <= cbs || scan < n*3/4 {
		t.Errorf("scan found %d/%d, CBS %d/%d: want the scan ahead and ≥ 75%%", scan, n, cbs, n)
	}
}

// overlaps reports a reciprocal overlap of at least half between the
// segment and the bins [a, b) (the evaluation's CNV match rule).
func overlaps(sg Segment, a, b int) bool {
	o := min(sg.End, b) - max(sg.First, a)
	return 2*o >= sg.End-sg.First && 2*o >= b-a
}

// BenchmarkFetalScan: one genome-wide scan of the 22 autosomes at 100 kb
// (≈ 29,000 bins) of noise, threshold included.
func BenchmarkFetalScan(b *testing.B) {
	l, _ := genome.NewLayout(genome.GRCh38, 100_000)
	chroms := make([]int, genome.ChrX)
	for c := range chroms {
		chroms[c] = c
	}
	x, s := scanGenome(rand.New(rand.NewPCG(1, 1)), l, chroms, 0.1, 0, 0, 0)
	in := ScanInput{SegmentInput: SegmentInput{Layout: l, X: x, SD: s, Chroms: chroms}, FF: FFPrior{Value: 0.1, SE: 0.005}, MinBins: 30}
	cfg := DefaultConfig()
	for b.Loop() {
		FetalScan(in, cfg)
	}
}
