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

// Without a fetal-fraction estimate (single-end data whose models are not
// informative) the scan tests the levels of the population distribution of
// fetal fractions: it keeps its false-call rate (α = 0.2 on 150 noise
// genomes: expected 30 ± 5, allowed 0.5–1.3 times) and finds a 5 Mb
// fetal loss at FF 12% (expected z 0.09·√50/0.1 ≈ 6.4) in most of 40
// draws. Before, the scan was skipped and only segmentation could find
// fetal changes in such samples.
func TestFetalScanWithoutEstimate(t *testing.T) {
	if testing.Short() {
		t.Skip("190 genome scans")
	}
	l, _ := genome.NewLayout(genome.GRCh38, 100_000)
	cfg := DefaultConfig()
	chroms := []int{18, 19, 20, 21}
	unknown := FFPrior{Value: math.NaN()}
	r := rand.New(rand.NewPCG(7, 8))
	shift := math.Log2(1 - 0.12/2)
	found := 0
	const n = 40
	for range n {
		x, s := scanGenome(r, l, chroms, 0.1, shift, 200, 250)
		in := ScanInput{SegmentInput: SegmentInput{Layout: l, X: x, SD: s, Chroms: chroms}, FF: unknown, MinBins: 30}
		for _, sg := range FetalScan(in, cfg) {
			if sg.Chrom == 18 && overlaps(sg, l.Offset[18]+200, l.Offset[18]+250) {
				found++
				break
			}
		}
	}
	cfg.CNVScanFalseCalls = 0.2
	hits := 0
	const m = 150
	for range m {
		x, s := scanGenome(r, l, chroms, 0.1, 0, 0, 0)
		in := ScanInput{SegmentInput: SegmentInput{Layout: l, X: x, SD: s, Chroms: chroms}, FF: unknown, MinBins: 30}
		if len(FetalScan(in, cfg)) > 0 {
			hits++
		}
	}
	t.Logf("without an estimate: loss found %d/%d, false-call rate %.3f", found, n, float64(hits)/m)
	if found < n*3/4 {
		t.Errorf("5 Mb fetal loss at FF 12%% found %d/%d times without an estimate, want ≥ 75%%", found, n)
	}
	if rate := float64(hits) / m; rate < 0.5*cfg.CNVScanFalseCalls || rate > 1.3*cfg.CNVScanFalseCalls {
		t.Errorf("false-call rate %.3f without an estimate, requested %.2f", rate, cfg.CNVScanFalseCalls)
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

// shortGain is the fetal-share change of a fetal gain or loss per unit of
// its log2 depth level: ln 2 as f → 0, and at f = 10% the mean of the two
// exact ratios.
func TestShortGain(t *testing.T) {
	if g := shortGain(1e-6); math.Abs(g-math.Ln2) > 1e-5 {
		t.Errorf("shortGain(0) = %.6f, want ln 2", g)
	}
	f := 0.1
	gain := (1.5*f/1.05 - f) / math.Log2(1.05)
	loss := (0.5*f/0.95 - f) / math.Log2(0.95)
	if g := shortGain(f); math.Abs(g-(gain+loss)/2) > 1e-12 {
		t.Errorf("shortGain(0.1) = %.6f, want %.6f", g, (gain+loss)/2)
	}
}

// shortGenome draws a short-share track to go with scanGenome: residuals
// with variance v per bin, plus the shift a fetal change of fetal-share
// change dF gives (β·dF) over the same bins.
func shortGenome(r *rand.Rand, l *genome.Layout, chroms []int, v, beta, dF float64, from, to int) (y, vs []float64) {
	y = make([]float64, l.NumBins())
	vs = make([]float64, l.NumBins())
	for j := range y {
		y[j], vs[j] = math.NaN(), math.NaN()
	}
	for _, c := range chroms {
		for j := l.Offset[c]; j < l.Offset[c+1]; j++ {
			y[j], vs[j] = math.Sqrt(v)*r.NormFloat64(), v
			if k := j - l.Offset[chroms[0]]; c == chroms[0] && k >= from && k < to {
				y[j] += beta * dF
			}
		}
	}
	return y, vs
}

// CombineShort: without noise the combined level of a fetal change is its
// depth level; with noise, the combined bin z-scores of an unchanged
// genome are standard normal, the combined per-bin SD is
// 1/√(1/SD² + k²/V), and the window noise inflation mixes the two tracks'
// by their weights.
func TestCombineShort(t *testing.T) {
	l, _ := genome.NewLayout(genome.GRCh38, 100_000)
	cfg := DefaultConfig()
	chroms := []int{18, 19, 20, 21}
	ff := FFPrior{Value: 0.1, SE: 0.002}
	pf, pw := ff.gridWith(cfg.PopulationFF())
	var fv float64
	for i, f := range pf {
		fv += pw[i] * f
	}
	const beta, v = 0.2, 1e-4
	k := beta * shortGain(fv)
	// Noise-free fetal gain at the posterior-mean fraction.
	r := rand.New(rand.NewPCG(1, 2))
	x, s := scanGenome(r, l, chroms, 0, math.Log2(1+fv/2), 100, 150)
	for j := range s {
		if s[j] == 0 && !math.IsNaN(x[j]) {
			s[j] = 0.1
		}
	}
	y, vs := shortGenome(r, l, chroms, 0, beta, 1.5*fv/(1+fv/2)-fv, 100, 150)
	for j := range vs {
		if !math.IsNaN(y[j]) {
			vs[j] = v
		}
	}
	in := ScanInput{SegmentInput: SegmentInput{Layout: l, X: x, SD: s, Chroms: chroms}, FF: ff, MinBins: 30}
	out := CombineShort(in, ShortTrack{Y: y, V: vs, Beta: beta}, cfg)
	j := l.Offset[18] + 120
	// The short track's converted level differs from the depth level by
	// the gain/loss asymmetry of k (O(f²)): within 3% of the level.
	if want := math.Log2(1 + fv/2); math.Abs(out.X[j]-want) > 0.03*want {
		t.Errorf("combined level %.5f, want %.5f", out.X[j], want)
	}
	if want := 1 / math.Sqrt(1/0.01+k*k/v); math.Abs(out.SD[j]-want) > 1e-12 {
		t.Errorf("combined SD %.6f, want %.6f", out.SD[j], want)
	}
	if in.X[j] == out.X[j] {
		t.Error("CombineShort changed its input")
	}
	// Window noise: depth κ 1.3, short κ 1, weight ratio ρ = k²/V·SD².
	in.Kappa = func(int) float64 { return 1.3 }
	rho := k * k / v * 0.01
	out = CombineShort(in, ShortTrack{Y: y, V: vs, Beta: beta}, cfg)
	if got, want := out.Kappa(50), math.Sqrt((1.69+rho)/(1+rho)); math.Abs(got-want) > 1e-12 {
		t.Errorf("combined kappa %.6f, want %.6f", got, want)
	}
	// Unchanged genome with noise: combined z-scores ~ N(0, 1).
	x, s = scanGenome(r, l, chroms, 0.1, 0, 0, 0)
	y, vs = shortGenome(r, l, chroms, v, beta, 0, 0, 0)
	in = ScanInput{SegmentInput: SegmentInput{Layout: l, X: x, SD: s, Chroms: chroms}, FF: ff, MinBins: 30}
	out = CombineShort(in, ShortTrack{Y: y, V: vs, Beta: beta}, cfg)
	var ss float64
	var n int
	for _, c := range chroms {
		for j := l.Offset[c]; j < l.Offset[c+1]; j++ {
			z := out.X[j] / out.SD[j]
			ss += z * z
			n++
		}
	}
	// ~2,100 bins: the variance's relative SE is √(2/n) ≈ 3%.
	if vr := ss / float64(n); math.Abs(vr-1) > 0.1 {
		t.Errorf("combined z variance %.3f, want 1", vr)
	}
	// No fetal fraction, no track: input unchanged.
	in.FF = FFPrior{Value: math.NaN()}
	if got := CombineShort(in, ShortTrack{Y: y, V: vs, Beta: beta}, cfg); &got.X[0] != &in.X[0] {
		t.Error("CombineShort without a fetal fraction changed the input")
	}
}

// The short track adds power to the fetal scan: a 3 Mb fetal gain at FF
// 8% (depth z 0.056·√30/0.1 ≈ 3.1, below the scan's reach) is found far
// more often with a short track of relative weight ρ = 1 (combined z ≈
// 4.3); 60 draws.
func TestFetalScanShortPower(t *testing.T) {
	l, _ := genome.NewLayout(genome.GRCh38, 100_000)
	cfg := DefaultConfig()
	r := rand.New(rand.NewPCG(9, 10))
	chroms := []int{18, 19, 20, 21}
	ff := FFPrior{Value: 0.08, SE: 0.003}
	f := 0.08
	const beta = 0.2
	k := beta * shortGain(f)
	v := k * k * 0.01 // ρ = k²/V·SD² = 1
	var with, without int
	const n = 60
	for range n {
		x, s := scanGenome(r, l, chroms, 0.1, math.Log2(1+f/2), 200, 230)
		y, vs := shortGenome(r, l, chroms, v, beta, 1.5*f/(1+f/2)-f, 200, 230)
		in := ScanInput{SegmentInput: SegmentInput{Layout: l, X: x, SD: s, Chroms: chroms}, FF: ff, MinBins: 20}
		found := func(ws []Segment) bool {
			for _, w := range ws {
				a, b := w.First-l.Offset[18], w.End-l.Offset[18]
				if w.Chrom == 18 && min(b, 230)-max(a, 200) >= 15 && w.Delta() > 0 {
					return true
				}
			}
			return false
		}
		if found(FetalScan(in, cfg)) {
			without++
		}
		if found(FetalScan(CombineShort(in, ShortTrack{Y: y, V: vs, Beta: beta}, cfg), cfg)) {
			with++
		}
	}
	t.Logf("found %d/%d with the short track, %d/%d without", with, n, without, n)
	if with < without+10 {
		t.Errorf("short track found %d/%d, depth alone %d/%d", with, n, without, n)
	}
}

// TestWindowLLR: the log LR of a window is the statistic the scan
// maximises — every window the scan calls has it at least as large as
// any other window it was compared with around the change, a window over
// the change beats one of its halves and one run on into unchanged bins,
// and a window of noise has a much smaller one; no usable bins give NaN.
func TestWindowLLR(t *testing.T) {
	l, _ := genome.NewLayout(genome.GRCh38, 100_000)
	cfg := DefaultConfig()
	r := rand.New(rand.NewPCG(7, 8))
	chroms := []int{18, 19, 20, 21}
	// 8 Mb loss at FF 12% (expected z 0.092·√80/0.1 ≈ 8.2).
	x, s := scanGenome(r, l, chroms, 0.1, math.Log2(1-0.12/2), 200, 280)
	in := ScanInput{SegmentInput: SegmentInput{Layout: l, X: x, SD: s, Chroms: chroms}, FF: FFPrior{Value: 0.12, SE: 0.01}, MinBins: 30}
	o := l.Offset[18]
	whole := WindowLLR(in, o+200, o+280, cfg)
	half := WindowLLR(in, o+200, o+240, cfg)
	long := WindowLLR(in, o+150, o+330, cfg)
	noise := WindowLLR(in, o+400, o+480, cfg)
	t.Logf("log LR: change %.1f, half %.1f, run on %.1f, noise %.1f", whole, half, long, noise)
	if !(whole > half && whole > long && whole > noise+10) {
		t.Errorf("log LR: change %.1f, half %.1f, run on %.1f, noise %.1f: want the change's largest", whole, half, long, noise)
	}
	ws := FetalScan(in, cfg)
	if len(ws) == 0 || ws[0].Chrom != 18 {
		t.Fatalf("scan found %v, want the chr19 loss", ws)
	}
	if got := WindowLLR(in, ws[0].First, ws[0].End, cfg); got < whole-1e-9 {
		t.Errorf("the scan's window %d–%d has log LR %.2f, below the true window's %.2f", ws[0].First-o, ws[0].End-o, got, whole)
	}
	if got := WindowLLR(in, l.Offset[3], l.Offset[3]+50, cfg); !math.IsNaN(got) {
		t.Errorf("no usable bins: %v, want NaN", got)
	}
}
