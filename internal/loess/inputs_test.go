package loess

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/nipt/nipt/internal/stats"
)

// Tests of input handling: ties, non-finite values, extrapolation,
// degenerate inputs, the median selection and the worker count.

func TestTiedX(t *testing.T) {
	// GC fractions are often rounded: 21 distinct x values, 30 points each.
	r := rand.New(rand.NewPCG(6, 6))
	var x, y []float64
	for k := 0; k <= 20; k++ {
		for j := 0; j < 30; j++ {
			x = append(x, float64(k))
			y = append(y, 0.01*float64(k*k)+0.1*r.NormFloat64())
		}
	}
	for _, span := range []float64{0.02, 0.3} { // 0.02·630 = 12 < 30 ties
		got, err := Smooth(x, y, Options{Span: span, Iterations: NoRobust})
		if err != nil {
			t.Fatal(err)
		}
		if span < 0.05 {
			// q smaller than the tie groups: the fit is the mean of the
			// tied y (bandwidth zero); the naive solver cannot do this.
			for k := 0; k <= 20; k++ {
				mean := 0.0
				for j := 0; j < 30; j++ {
					mean += y[k*30+j] / 30
				}
				if math.Abs(got[k*30]-mean) > 1e-12 {
					t.Errorf("tied x=%d: %v, want mean %v", k, got[k*30], mean)
				}
			}
			continue
		}
		want, _ := naiveLoess(x, y, span, 2, 0)
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-8 {
				t.Fatalf("span %v point %d: %v, naive %v", span, i, got[i], want[i])
			}
		}
	}
}

func TestNonFiniteIgnored(t *testing.T) {
	x, y := noisy(200, 1, 0.1, math.Exp, 8)
	clean, err := Fit(x, y, Options{})
	if err != nil {
		t.Fatal(err)
	}
	xd := append(append([]float64{}, x...), math.NaN(), 0.5, math.Inf(1), 0.2)
	yd := append(append([]float64{}, y...), 1, math.NaN(), 2, math.Inf(-1))
	dirty, err := Fit(xd, yd, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []float64{0, 0.25, 0.5, 0.99} {
		if clean.At(v) != dirty.At(v) {
			t.Errorf("At(%v): %v with junk pairs, %v without", v, dirty.At(v), clean.At(v))
		}
	}
	if len(dirty.Robustness) != len(xd) || !math.IsNaN(dirty.Robustness[len(xd)-1]) {
		t.Error("robustness weights should cover the input, NaN for skipped pairs")
	}
	sm, _ := Smooth(xd, yd, Options{})
	if !math.IsNaN(sm[len(x)]) || !math.IsNaN(sm[len(x)+2]) || math.IsNaN(sm[len(x)+1]) {
		t.Errorf("Smooth at non-finite x should be NaN, at finite x (NaN y) a value: %v", sm[len(x):])
	}
}

func TestAtExtrapolatesFlat(t *testing.T) {
	x := []float64{0, 1, 2, 3, 4, 5}
	y := []float64{0, 1, 2, 3, 4, 5}
	c, err := Fit(x, y, Options{Degree: 1, Iterations: NoRobust})
	if err != nil {
		t.Fatal(err)
	}
	if c.At(-10) != c.At(0) || c.At(99) != c.At(5) || !math.IsNaN(c.At(math.NaN())) {
		t.Errorf("At outside the range: %v %v, NaN → %v", c.At(-10), c.At(99), c.At(math.NaN()))
	}
}

// AtSorted must give exactly At's values: below, inside (between and on
// grid points, with repeats) and above the grid, and NaN at the end.
func TestAtSortedMatchesAt(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	x := make([]float64, 2000)
	y := make([]float64, len(x))
	for i := range x {
		x[i] = r.Float64()
		y[i] = math.Sin(6*x[i]) + 0.2*r.NormFloat64()
	}
	c, err := Fit(x, y, Options{Span: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	gx, _ := c.Grid()
	q := []float64{-1, gx[0]}
	for i := range 5000 {
		q = append(q, -0.1+1.2*float64(i)/5000)
	}
	q = append(q, gx...)
	q = append(q, gx[3], gx[3], 2)
	slices.Sort(q)
	q = append(q, math.NaN(), math.NaN())
	got := make([]float64, len(q))
	c.AtSorted(q, got)
	for i, v := range q {
		want := c.At(v)
		if got[i] != want && !(math.IsNaN(want) && math.IsNaN(got[i])) {
			t.Fatalf("AtSorted at %v = %v, At = %v", v, got[i], want)
		}
	}
}

func TestDegenerateInputs(t *testing.T) {
	tests := []struct {
		name    string
		x, y    []float64
		opt     Options
		tooFew  bool
		wantErr bool
	}{
		{"no points", nil, nil, Options{}, true, true},
		{"two points", []float64{1, 2}, []float64{1, 2}, Options{}, true, true},
		{"all x equal", []float64{1, 1, 1, 1, 1}, []float64{1, 2, 3, 4, 5}, Options{}, true, true},
		{"two distinct x for a quadratic", []float64{1, 1, 2, 2}, []float64{1, 2, 3, 4}, Options{Degree: 2}, true, true},
		{"all NaN", []float64{math.NaN(), math.NaN(), math.NaN()}, []float64{1, 2, 3}, Options{}, true, true},
		{"length mismatch", []float64{1, 2, 3}, []float64{1, 2}, Options{}, false, true},
		{"bad degree", []float64{1, 2, 3, 4}, []float64{1, 2, 3, 4}, Options{Degree: 3}, false, true},
		{"negative span", []float64{1, 2, 3, 4}, []float64{1, 2, 3, 4}, Options{Span: -1}, false, true},
		{"NaN span", []float64{1, 2, 3, 4}, []float64{1, 2, 3, 4}, Options{Span: math.NaN()}, false, true},
		{"three points line", []float64{1, 2, 3}, []float64{2, 4, 6}, Options{Degree: 1}, false, false},
		{"constant y", []float64{1, 2, 3, 4, 5}, []float64{7, 7, 7, 7, 7}, Options{}, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Fit(tc.x, tc.y, tc.opt)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if tc.tooFew != errors.Is(err, ErrTooFewPoints) {
				t.Errorf("err = %v, want ErrTooFewPoints %v", err, tc.tooFew)
			}
			if err == nil {
				for _, v := range tc.x {
					if math.IsNaN(c.At(v)) {
						t.Errorf("At(%v) is NaN", v)
					}
				}
			}
		})
	}
}

func TestMedianInPlace(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 13))
	for trial := 0; trial < 200; trial++ {
		n := 1 + r.IntN(60)
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(r.IntN(8)) // many ties
		}
		want := stats.Median(v)
		if got := medianInPlace(v); got != want {
			t.Fatalf("medianInPlace = %v, stats.Median %v", got, want)
		}
	}
}

func TestWorkersDoNotChangeResult(t *testing.T) {
	x, y := noisy(2000, 1, 0.1, math.Sqrt, 12)
	a, err := Smooth(x, y, Options{Span: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{2, 3, 7} {
		b, err := Smooth(x, y, Options{Span: 0.2, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("workers %d: point %d = %v, serial %v", w, i, b[i], a[i])
			}
		}
	}
}
