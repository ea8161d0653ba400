package segment

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestSiegmundNu(t *testing.T) {
	if got := siegmundNu(0); got != 1 {
		t.Errorf("ν(0) = %v, want 1", got)
	}
	// ν(x) → 2/x² for large x (independent points); at x = 20 the
	// closed form agrees with the asymptote within 1%.
	if got, want := siegmundNu(20), 2.0/400; math.Abs(got-want) > 0.01*want {
		t.Errorf("ν(20) = %v, want ≈ %v", got, want)
	}
	// Exact ν(x) = 2x⁻²·exp(-2·Σₙ n⁻¹·Φ(-x√n/2)) (Siegmund 1985, Sequential
	// Analysis, eq. 4.37), evaluated independently with mpmath; the closed
	// form is known to be accurate to a few percent (here ≤ 2.1%).
	exact := []struct{ x, nu float64 }{
		{0.2, 0.890037402628}, {0.5, 0.747615010333}, {1, 0.56037022842},
		{2, 0.320434641933}, {3, 0.190395414378}, {5, 0.0789961180418},
	}
	for _, e := range exact {
		if got := siegmundNu(e.x); math.Abs(got/e.nu-1) > 0.025 {
			t.Errorf("ν(%v) = %v, exact %v", e.x, got, e.nu)
		}
	}
	prev := 1.0
	for x := 0.1; x < 30; x += 0.1 {
		v := siegmundNu(x)
		if v > prev || v <= 0 {
			t.Fatalf("ν not positive and decreasing at %v: %v after %v", x, v, prev)
		}
		prev = v
	}
}

// TestApproxPValueCalibrated checks the Siegmund approximation against Monte
// Carlo: on pure N(0,1) noise with known SD the fraction of replicates with
// p < α should be α. With R replicates, the binomial SD of that fraction is
// √(α(1-α)/R); the bounds below are ±3.5 SD.
func TestApproxPValueCalibrated(t *testing.T) {
	const reps = 600
	r := rand.New(rand.NewPCG(21, 21))
	for _, m := range []int{40, 300} {
		var below05, below20 int
		x := make([]float64, m)
		for rep := 0; rep < reps; rep++ {
			for i := range x {
				x[i] = r.NormFloat64()
			}
			a := newArcSearch(x, nil, DefaultMinSize, make([]float64, m+1), make([]float64, m+1))
			c, _ := a.best()
			p := approxPValue(math.Sqrt(c.Z2), m, DefaultMinSize)
			if p < 0.05 {
				below05++
			}
			if p < 0.2 {
				below20++
			}
		}
		for _, chk := range []struct {
			alpha float64
			count int
		}{{0.05, below05}, {0.2, below20}} {
			sd := math.Sqrt(chk.alpha * (1 - chk.alpha) / reps)
			if f := float64(chk.count) / reps; math.Abs(f-chk.alpha) > 3.5*sd {
				t.Errorf("m=%d: P(p < %v) = %v, want %v ± %.3f", m, chk.alpha, f, chk.alpha, 3.5*sd)
			}
		}
	}
}

// TestScanPValueCalibrated is the single-change-point counterpart: the best
// cut of pure noise (known SD) found by bestCut should have scanPValue < α
// in a fraction α of replicates (same ±3.5 binomial SD bounds).
func TestScanPValueCalibrated(t *testing.T) {
	const reps = 600
	r := rand.New(rand.NewPCG(22, 22))
	for _, m := range []int{40, 300} {
		var below05, below20 int
		cs, cw := make([]float64, m+1), make([]float64, m+1)
		for rep := 0; rep < reps; rep++ {
			for i := 0; i < m; i++ {
				cs[i+1] = cs[i] + r.NormFloat64()
				cw[i+1] = cw[i] + 1
			}
			_, z := bestCut(cs, cw, 0, m, DefaultMinSize)
			p := scanPValue(z, m, DefaultMinSize)
			if p < 0.05 {
				below05++
			}
			if p < 0.2 {
				below20++
			}
		}
		for _, chk := range []struct {
			alpha float64
			count int
		}{{0.05, below05}, {0.2, below20}} {
			sd := math.Sqrt(chk.alpha * (1 - chk.alpha) / reps)
			if f := float64(chk.count) / reps; math.Abs(f-chk.alpha) > 3.5*sd {
				t.Errorf("m=%d: P(p < %v) = %v, want %v ± %.3f", m, chk.alpha, f, chk.alpha, 3.5*sd)
			}
		}
	}
}

func TestApproxPValueShape(t *testing.T) {
	prev := 1.0
	for b := 1.0; b < 8; b += 0.25 {
		p := approxPValue(b, 1000, 2)
		if p > prev || p < 0 || p > 1 {
			t.Fatalf("p(%v) = %v not in [0,1] and non-increasing (previous %v)", b, p, prev)
		}
		prev = p
	}
	if approxPValue(math.Inf(1), 100, 2) != 0 || approxPValue(math.NaN(), 100, 2) != 1 || approxPValue(5, 3, 2) != 1 {
		t.Error("approxPValue special cases wrong")
	}
	// Small statistics are never significant, whatever the length (the
	// asymptotic formula alone would give p → 0 as b → 0).
	for _, m := range []int{4, 5, 10, 1000} {
		for _, b := range []float64{0.01, 0.1, 0.5, 1} {
			if p := approxPValue(b, m, 2); p < 0.3 { // P(|Z| > 1) = 0.317
				t.Errorf("approxPValue(%v, m=%d) = %v: small statistic judged significant", b, m, p)
			}
		}
	}
	// More arcs, larger p for the same statistic.
	if approxPValue(4.5, 200, 2) >= approxPValue(4.5, 20000, 2) {
		t.Error("p-value should grow with the segment length")
	}
}

func TestPermutationAgreesWithApproximation(t *testing.T) {
	// A moderate change (p around 1e-2) in 200 points: the permutation
	// p-value (2,000 permutations, SE ≈ √(p/2000) ≈ 0.002) and Siegmund's
	// approximation should agree within a factor 2 — the accuracy
	// Venkatraman & Olshen (2007) report for the approximation at this size.
	r := rand.New(rand.NewPCG(31, 31))
	x := make([]float64, 200)
	for i := range x {
		x[i] = r.NormFloat64()
		if i >= 120 && i < 150 {
			x[i] += 0.75
		}
	}
	a := newArcSearch(x, nil, 2, make([]float64, 201), make([]float64, 201))
	c, _ := a.best()
	sd := noiseSD(x, nil)
	approx := approxPValue(math.Sqrt(c.Z2)/sd, len(x), 2)
	buf := &buffers{p: make([]float64, 201), w: make([]float64, 201), px: make([]float64, 200), pw: make([]float64, 200)}
	perm := permPValue(x, nil, 2, c.Z2, 2000, 1, rand.New(rand.NewPCG(1, 2)), buf)
	if approx < 1e-4 || approx > 0.2 {
		t.Fatalf("test data should give a moderate p-value, got %v", approx)
	}
	if ratio := perm / approx; ratio < 0.5 || ratio > 2 {
		t.Errorf("permutation p %v vs approximation %v (ratio %v)", perm, approx, ratio)
	}
}
