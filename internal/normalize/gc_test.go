package normalize

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nipt/nipt/internal/annotation"
	"github.com/nipt/nipt/internal/genome"
	"github.com/nipt/nipt/internal/stats"
)

// testAnnotation is a 1 Mb GRCh38 annotation with GC uniform on [0.33,
// 0.55], full mappability and no gaps.
func testAnnotation(t *testing.T) *annotation.Annotation {
	t.Helper()
	l, err := genome.NewLayout(genome.GRCh38, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	a := annotation.New(l)
	r := rand.New(rand.NewPCG(3, 3))
	for i := range a.GC {
		a.GC[i] = 0.33 + 0.22*r.Float64()
		a.Map[i] = 1
	}
	return a
}

// TestCorrectRemovesGCBias: counts with a strong quadratic-exponential GC
// bias are corrected so that Rel no longer correlates with GC (|r| below
// 4/√n, four SEs of a null correlation) and averages 1.
func TestCorrectRemovesGCBias(t *testing.T) {
	a := testAnnotation(t)
	l := a.Layout
	r := rand.New(rand.NewPCG(5, 5))
	reads := make([]uint32, l.NumBins())
	for i := range reads {
		d := (a.GC[i] - 0.41) / 0.1
		lam := 1000 * math.Exp(0.5*d-0.3*d*d)
		reads[i] = uint32(math.Max(0, math.Round(lam+math.Sqrt(lam)*r.NormFloat64())))
	}
	reads[5] = 0 // a zero-count bin must stay finite
	mask := StaticMask(a, nil)
	cov, err := Correct(l, reads, EffectiveLength(a), a.GC, mask, GCOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var rel, gc []float64
	for i := 0; i < l.Offset[genome.ChrX]; i++ {
		if v := cov.Rel[i]; !math.IsNaN(v) {
			if math.IsInf(v, 0) {
				t.Fatalf("bin %d: infinite coverage", i)
			}
			rel = append(rel, v)
			gc = append(gc, a.GC[i])
		}
	}
	if rr := stats.PearsonR(rel, gc); math.Abs(rr) > 4/math.Sqrt(float64(len(rel))) {
		t.Errorf("corrected coverage still correlates with GC: r = %.3f", rr)
	}
	if m := stats.Median(rel); math.Abs(m-1) > 1e-9 {
		t.Errorf("median coverage %g, want 1", m)
	}
	if cov.GCBias == 0 {
		t.Error("GC bias metric is zero for a biased sample")
	}
	if cov.Rel[5] <= 0 {
		t.Errorf("zero-count bin has coverage %g, want half a read's worth", cov.Rel[5])
	}
}

// TestCorrectUnbiasedLogAtLowDepth: with a GC bias that puts 5 reads in
// GC-poor bins and 50 in GC-rich ones, the mean log coverage of the two
// ends must agree: log(X + 1/2) is unbiased for log μ to O(μ⁻²) (0.2% at
// μ = 5), whereas the old floor max(X, 1/2) was biased by −1/(2μ), 0.09
// more at the poor end. The difference of the two quintile means has an SE
// of ≈ √(0.2/580 + 0.02/580) ≈ 0.02 (the LOESS curve's own error adds
// less); tolerance 0.04. chrY bins keep their plain count: an empty one is
// 0.
func TestCorrectUnbiasedLogAtLowDepth(t *testing.T) {
	a := testAnnotation(t)
	l := a.Layout
	r := rand.New(rand.NewPCG(9, 9))
	reads := make([]uint32, l.NumBins())
	for i := range reads {
		// λ from 5 at GC 0.33 to 50 at GC 0.55, log-linear.
		lam := 5 * math.Exp(math.Log(10)*(a.GC[i]-0.33)/0.22)
		reads[i] = poisson(r, lam)
	}
	y := l.Offset[genome.ChrY]
	reads[y+40], reads[y+41] = 0, 3
	mask := StaticMask(a, nil)
	cov, err := Correct(l, reads, EffectiveLength(a), a.GC, mask, GCOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var lo, hi []float64
	for i := 0; i < l.Offset[genome.ChrX]; i++ {
		if v := cov.Rel[i]; !math.IsNaN(v) {
			switch {
			case a.GC[i] < 0.33+0.2*0.22:
				lo = append(lo, math.Log(v))
			case a.GC[i] > 0.55-0.2*0.22:
				hi = append(hi, math.Log(v))
			}
		}
	}
	ml, _ := stats.MeanSD(lo)
	mh, _ := stats.MeanSD(hi)
	if math.Abs(ml-mh) > 0.04 {
		t.Errorf("mean log coverage %.4f at 5 reads per bin, %.4f at 50: biased at low depth", ml, mh)
	}
	if v := cov.Rel[y+40]; v != 0 {
		t.Errorf("empty chrY bin has coverage %g, want 0", v)
	}
	if v, want := cov.Rel[y+41], 3/cov.Expected[y+41]; math.Abs(v-want) > 1e-12 {
		t.Errorf("chrY bin with 3 reads has coverage %g, want %g", v, want)
	}
}

// poisson draws a Poisson variate by inversion (small means only).
func poisson(r *rand.Rand, lam float64) uint32 {
	u, p := r.Float64(), math.Exp(-lam)
	k, c := 0, p
	for u > c {
		k++
		p *= lam / float64(k)
		c += p
	}
	return uint32(k)
}

func TestCorrectBadInput(t *testing.T) {
	a := testAnnotation(t)
	l := a.Layout
	mask := StaticMask(a, nil)
	if _, err := Correct(l, make([]uint32, l.NumBins()), EffectiveLength(a), a.GC, mask, GCOptions{}); err == nil {
		t.Error("empty sample accepted")
	}
	if _, err := Correct(l, make([]uint32, 10), EffectiveLength(a), a.GC, mask, GCOptions{}); err == nil {
		t.Error("wrong length accepted")
	}
}

func TestStaticMask(t *testing.T) {
	a := testAnnotation(t)
	a.N[0] = 0.9
	a.GC[1] = math.NaN()
	a.Map[2] = 0.3
	a.Map[3] = math.NaN()
	a.Blacklist[4] = true
	a.GC[6] = 0.9 // far outside the autosomal GC range
	bl := make([]bool, a.Layout.NumBins())
	bl[7] = true
	m := StaticMask(a, bl)
	want := []uint8{MaskGap, MaskGap, MaskMappability, MaskMappability, MaskBlacklist, MaskNone, MaskExtremeGC, MaskBlacklist}
	for i, w := range want {
		if m[i] != w {
			t.Errorf("bin %d: mask %s, want %s", i, MaskNames[m[i]], MaskNames[w])
		}
	}
}
