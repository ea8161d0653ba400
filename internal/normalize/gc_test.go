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
