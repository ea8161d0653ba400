package annotation

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/sharedtest"
)

func mustSynthetic(t testing.TB, b *genome.Build, binSize int, seed uint64) *Annotation {
	t.Helper()
	a, err := Synthetic(b, binSize, seed)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	return a
}

// same reports whether two annotations are identical, NaN equal to NaN.
func same(a, b *Annotation) bool {
	if a.Layout.NumBins() != b.Layout.NumBins() {
		return false
	}
	eq := func(x, y float64) bool { return x == y || (math.IsNaN(x) && math.IsNaN(y)) }
	for i := range a.GC {
		if !eq(a.GC[i], b.GC[i]) || !eq(a.N[i], b.N[i]) || !eq(a.Map[i], b.Map[i]) || a.Blacklist[i] != b.Blacklist[i] {
			return false
		}
	}
	return true
}

func TestSyntheticDeterministic(t *testing.T) {
	a := mustSynthetic(t, genome.GRCh38, 100_000, 7)
	b := mustSynthetic(t, genome.GRCh38, 100_000, 7)
	c := mustSynthetic(t, genome.GRCh38, 100_000, 8)
	if !same(a, b) {
		t.Error("same seed gave different annotations")
	}
	if same(a, c) {
		t.Error("different seeds gave identical annotations")
	}
}

// region averages a track over the bins of chromosome c whose midpoint lies
// in [lo, hi) Mb, skipping NaN and (when calledOnly) all-N bins.
func region(a *Annotation, v []float64, c int, lo, hi float64, calledOnly bool) float64 {
	l := a.Layout
	var s, n float64
	for i := l.Offset[c]; i < l.Offset[c+1]; i++ {
		_, st, en := l.Locate(i)
		mid := float64(st+en) / 2e6
		if mid < lo || mid >= hi || math.IsNaN(v[i]) || (calledOnly && a.N[i] >= 1) {
			continue
		}
		s += v[i]
		n++
	}
	return s / n
}

func TestSyntheticLandscape(t *testing.T) {
	for _, b := range genome.Builds {
		t.Run(b.Name, func(t *testing.T) {
			a := mustSynthetic(t, b, 10_000, 1)
			l := a.Layout
			mean := func(c int, v []float64) float64 { return region(a, v, c, 0, 1e9, true) }
			// Chromosome-level GC order (real hg38 means: chr19 0.484, chr22 0.475,
			// chr17 0.453, chr16 0.446 versus chr4 0.382, chr13 0.386, chr18 0.398,
			// chrX 0.395).
			for _, rich := range []int{18, 21, 16, 15} {
				for _, poor := range []int{3, 12, 17, genome.ChrX} {
					if mean(rich, a.GC) <= mean(poor, a.GC) {
						t.Errorf("%s GC %.3f not above %s %.3f", genome.ChromName(rich), mean(rich, a.GC), genome.ChromName(poor), mean(poor, a.GC))
					}
				}
			}
			var gcAll, nAll float64
			for i := range a.GC {
				if !math.IsNaN(a.GC[i]) {
					gcAll += a.GC[i]
					nAll++
				}
			}
			if m := gcAll / nAll; m < 0.40 || m > 0.42 {
				t.Errorf("genome mean GC %.4f, want ≈ 0.41", m)
			}
			xp, yp := parRegions(b)
			if m := region(a, a.Map, genome.ChrY, float64(yp[0].lo)/1e6, float64(yp[0].hi-r10)/1e6, false); m != 0 {
				t.Errorf("chrY PAR1 mappability %v, want 0 (hard-masked)", m)
			}
			if n := region(a, a.N, genome.ChrY, float64(yp[1].lo+r10)/1e6, float64(yp[1].hi-r10)/1e6, false); n != 1 {
				t.Errorf("chrY PAR2 N fraction %v, want 1", n)
			}
			auto := region(a, a.Map, 0, 0, 1e9, true)
			if m := region(a, a.Map, genome.ChrX, float64(xp[0].lo)/1e6+0.5, float64(xp[0].hi)/1e6, true); m < auto-0.1 {
				t.Errorf("chrX PAR1 mappability %.3f, want close to chr1's %.3f", m, auto)
			}
			cen := centromere(b, 0)
			if m := region(a, a.Map, 0, float64(cen.lo)/1e6, float64(cen.hi)/1e6, true); !(m < 0.5) {
				t.Errorf("chr1 centromere mappability %.3f, want < 0.5", m)
			}
			// chrY: X-degenerate regions map, the rest mostly not.
			yMSY := region(a, a.Map, genome.ChrY, float64(yp[0].hi)/1e6, float64(yp[1].lo)/1e6, true)
			xdeg := region(a, a.Map, genome.ChrY, float64(liftGRCh38(b, genome.ChrY, 12.5e6))/1e6, float64(liftGRCh38(b, genome.ChrY, 17e6))/1e6, true)
			if yMSY > auto-0.15 || xdeg < 0.85 {
				t.Errorf("chrY mappability %.3f (X-degenerate %.3f), chr1 %.3f: want chrY low outside X-degenerate regions", yMSY, xdeg, auto)
			}
			nInChrom := func(c int, lo, hi float64) float64 { return region(a, a.N, c, lo, hi, false) }
			if gapped(b) {
				for _, c := range []int{12, 13, 14, 20, 21} {
					if f := nInChrom(c, 0, 5); f < 0.9 {
						t.Errorf("%s short arm N fraction %.2f, want mostly N", genome.ChromName(c), f)
					}
				}
				if a.N[l.Offset[0]] == 0 || a.N[l.Offset[1]-1] == 0 {
					t.Error("no telomere gap at the chr1 ends")
				}
			} else {
				for i, n := range a.N {
					if c, _, _ := l.Locate(i); n != 0 && c != genome.ChrY {
						t.Fatalf("%s is gapless, but bin %d has N fraction %v", b.Name, i, n)
					}
				}
			}
		})
	}
}

const r10 = 10_000

// TestSyntheticMatchesRealTable compares the synthetic hg38 landscape with
// the real hg38 10 kb tables. The tolerances are 4 standard deviations of
// the statistic across 20 seeds (measured: lag-1 autocorrelation 0.008,
// lag 10 0.013, lag 100 0.019, low-mappability fraction 0.0006) plus the
// misfit of the three-component model to the real autocorrelation (≤ 0.01,
// see synthetic.go) and, for mappability, of the two-state model (0.005).
// Mean and within-chromosome SD are matched per chromosome by construction
// (matchMoments), so only binning differences remain (0.001).
func TestSyntheticMatchesRealTable(t *testing.T) {
	dir := sharedtest.HG38Dir(t)
	l, _ := genome.NewLayout(genome.GRCh38, 10_000)
	gc, err := ReadTrackFile(filepath.Join(dir, "gc_hg38_10kb.wig"), l)
	if err != nil {
		t.Fatal(err)
	}
	mp, err := ReadTrackFile(filepath.Join(dir, "map_hg38_10kb.wig"), l)
	if err != nil {
		t.Fatal(err)
	}
	real := statsOf(l, gc.Value, mp.Value)
	a := mustSynthetic(t, genome.GRCh38, 10_000, 1)
	syn := statsOf(l, a.GC, a.Map)
	for _, tc := range []struct {
		name           string
		real, syn, tol float64
	}{
		{"mean GC", real.mean, syn.mean, 0.001},
		{"SD GC", real.sd, syn.sd, 0.001},
		{"within-chromosome SD", real.withinSD, syn.withinSD, 0.001},
		{"autocorrelation lag 1 (10 kb)", real.acf1, syn.acf1, 4*0.008 + 0.01},
		{"autocorrelation lag 10 (100 kb)", real.acf10, syn.acf10, 4*0.013 + 0.01},
		{"autocorrelation lag 100 (1 Mb)", real.acf100, syn.acf100, 4*0.019 + 0.01},
		{"fraction mappability < 0.5", real.lowMapFrac, syn.lowMapFrac, 4*0.0006 + 0.005},
		{"mean mappability", real.meanMapKnown, syn.meanMapKnown, 0.01},
	} {
		t.Logf("%s: real %.4f synthetic %.4f", tc.name, tc.real, tc.syn)
		if math.Abs(tc.real-tc.syn) > tc.tol {
			t.Errorf("%s: synthetic %.4f, real %.4f (tolerance %.4f)", tc.name, tc.syn, tc.real, tc.tol)
		}
	}
	if !(real.chromMean[18] > real.chromMean[3]) || !(syn.chromMean[18] > syn.chromMean[3]) {
		t.Error("chr19 is not GC-richer than chr4")
	}
	for c := 0; c < genome.NumChroms; c++ {
		if d := math.Abs(real.chromMean[c] - syn.chromMean[c]); d > 0.002 {
			t.Errorf("%s mean GC: synthetic %.4f, real %.4f", genome.ChromName(c), syn.chromMean[c], real.chromMean[c])
		}
	}
}

func TestSyntheticBinSizes(t *testing.T) {
	fine := mustSynthetic(t, genome.GRCh38, 10_000, 3)
	for _, bs := range []int{50_000, 1_000_000} {
		coarseL, k, err := fine.Layout.Coarsen(bs)
		if err != nil {
			t.Fatal(err)
		}
		want, err := fine.Coarsen(coarseL, k)
		if err != nil {
			t.Fatal(err)
		}
		got := mustSynthetic(t, genome.GRCh38, bs, 3)
		if !same(got, want) {
			t.Errorf("Synthetic at %d b is not the 10 kb landscape coarsened", bs)
		}
	}
	// Bin sizes that are not multiples of 10 kb are generated directly.
	for _, bs := range []int{5_000, 25_000} {
		a := mustSynthetic(t, genome.GRCh37, bs, 3)
		if m := region(a, a.GC, 0, 0, 1e9, true); math.Abs(m-gcChromMean[0]) > 1e-3 {
			t.Errorf("bin size %d: chr1 mean GC %.4f, want %.4f", bs, m, gcChromMean[0])
		}
	}
	if _, err := Synthetic(genome.GRCh38, 10, 1); err == nil {
		t.Error("bin size 10 accepted")
	}
}

func BenchmarkSynthetic10kb(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := Synthetic(genome.GRCh38, 10_000, uint64(i)); err != nil {
			b.Fatal(err)
		}
	}
}
