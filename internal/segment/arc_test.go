package segment

import (
	"math"
	"math/rand/v2"
	"testing"
)

// bruteBest is the O(m²) definition of the maximal arc.
func bruteBest(a *arcSearch) (arc, bool) {
	var top arc
	found := false
	for i := 0; i <= a.m; i++ {
		for j := i + 1; j <= a.m; j++ {
			if !a.feasible(i, j) {
				continue
			}
			c := arc{I: i, J: j, Z2: a.z2(i, j)}
			if !found || c.better(top) {
				top, found = c, true
			}
		}
	}
	return top, found
}

func TestArcSearchIsExact(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 11))
	for trial := 0; trial < 300; trial++ {
		m := 1 + r.IntN(120)
		if trial%50 == 0 {
			m = 400 + r.IntN(200) // a few larger ones with many blocks
		}
		minSize := 1 + r.IntN(4)
		x := make([]float64, m)
		shift := 0.0
		for i := range x {
			if r.IntN(40) == 0 { // occasional change points
				shift = 3 * r.NormFloat64()
			}
			x[i] = shift + r.NormFloat64()
		}
		var w []float64
		if trial%3 == 0 {
			w = make([]float64, m)
			for i := range w {
				w[i] = 0.2 + 2*r.Float64()
			}
		}
		a := newArcSearch(x, w, minSize, make([]float64, m+1), make([]float64, m+1))
		got, gotOK := a.best()
		want, wantOK := bruteBest(a)
		if gotOK != wantOK || got.I != want.I || got.J != want.J || math.Abs(got.Z2-want.Z2) > 1e-9*want.Z2 {
			t.Fatalf("trial %d (m=%d, minSize=%d, weighted=%v): best %+v (%v), brute force %+v (%v)", trial, m, minSize, w != nil, got, gotOK, want, wantOK)
		}
	}
}

func TestArcStatisticIsTwoSampleZ(t *testing.T) {
	// Z² of arc (i, j] must equal the squared two-sample z of inside versus
	// outside for unit noise, computed directly.
	x := []float64{1, 4, 2, 8, 5, 7, 3, 0, 6}
	a := newArcSearch(x, nil, 1, make([]float64, len(x)+1), make([]float64, len(x)+1))
	for _, ij := range [][2]int{{0, 3}, {2, 5}, {4, 9}, {1, 8}} {
		var in, out []float64
		for k, v := range x {
			if k >= ij[0] && k < ij[1] {
				in = append(in, v)
			} else {
				out = append(out, v)
			}
		}
		mean := func(v []float64) float64 {
			s := 0.0
			for _, a := range v {
				s += a
			}
			return s / float64(len(v))
		}
		z := (mean(in) - mean(out)) / math.Sqrt(1/float64(len(in))+1/float64(len(out)))
		if got := a.z2(ij[0], ij[1]); math.Abs(got-z*z) > 1e-12 {
			t.Errorf("arc %v: Z² = %v, want %v", ij, got, z*z)
		}
	}
}
