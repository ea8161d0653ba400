package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

var nan = math.NaN()

// near reports whether got is within tol of want (both NaN counts as equal).
func near(got, want, tol float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= tol
}

func normalSample(n int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	x := make([]float64, n)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	return x
}

func TestQuantileAndMedian(t *testing.T) {
	tests := []struct {
		name string
		x    []float64
		p    float64
		want float64
	}{
		{"odd median", []float64{3, 1, 2}, 0.5, 2},
		{"even median", []float64{4, 1, 3, 2}, 0.5, 2.5},
		{"NaN skipped", []float64{nan, 5, nan, 1, 3}, 0.5, 3},
		{"min", []float64{5, 1, 3}, 0, 1},
		{"max", []float64{5, 1, 3}, 1, 5},
		// Hyndman–Fan 7: h = (n-1)p = 0.75 → 1 + 0.75·(2-1).
		{"interpolated", []float64{1, 2, 3, 4}, 0.25, 1.75},
		{"single", []float64{7}, 0.3, 7},
		{"empty", nil, 0.5, nan},
		{"all NaN", []float64{nan, nan}, 0.5, nan},
		{"p < 0", []float64{1, 2}, -0.1, nan},
		{"p > 1", []float64{1, 2}, 1.1, nan},
		{"p NaN", []float64{1, 2}, nan, nan},
		{"infinities are order statistics", []float64{math.Inf(-1), 0, math.Inf(1)}, 0.5, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			orig := slices.Clone(tc.x)
			if got := Quantile(tc.x, tc.p); !near(got, tc.want, 1e-12) {
				t.Errorf("Quantile(%v, %v) = %v, want %v", tc.x, tc.p, got, tc.want)
			}
			if tc.p == 0.5 {
				if got := Median(tc.x); !near(got, tc.want, 1e-12) {
					t.Errorf("Median(%v) = %v, want %v", tc.x, got, tc.want)
				}
			}
			if !slices.EqualFunc(orig, tc.x, func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }) {
				t.Errorf("input modified: %v → %v", orig, tc.x)
			}
		})
	}
	qs := Quantiles([]float64{4, 1, 3, 2}, 0, 0.25, 0.5, 1)
	if want := []float64{1, 1.75, 2.5, 4}; !slices.Equal(qs, want) {
		t.Errorf("Quantiles = %v, want %v", qs, want)
	}
}

func TestMAD(t *testing.T) {
	// median 3, |x-3| = 2 1 0 1 97 → median 1 → 1.4826.
	if got := MAD([]float64{1, 2, 3, 4, 100}); !near(got, 1.4826, 1e-12) {
		t.Errorf("MAD = %v, want 1.4826", got)
	}
	if got := MAD([]float64{2, 2, 2}); got != 0 {
		t.Errorf("MAD of constants = %v, want 0", got)
	}
	if got := MAD(nil); !math.IsNaN(got) {
		t.Errorf("MAD(nil) = %v, want NaN", got)
	}
	// For N(0,1) the MAD's standard error is ≈ 1.166/√n (asymptotic
	// efficiency 0.37 relative to the SD, whose SE is 1/√(2n)): with
	// n = 20,000 that is 0.0082, so 5 SE = 0.041.
	x := normalSample(20000, 1)
	if got := MAD(x); math.Abs(got-1) > 0.041 {
		t.Errorf("MAD of a N(0,1) sample = %v, want 1 ± 0.041", got)
	}
}

// MedianMAD is the median and 1.4826 × the median absolute deviation from
// it (each taken with Median, bit for bit), and leaves its input alone.
func TestMedianMAD(t *testing.T) {
	for _, x := range [][]float64{nil, {math.NaN()}, {2, 2, 2}, {1, 2, 3, 4, 100}, {3, math.NaN(), 1, math.Inf(1)}, normalSample(1001, 3), normalSample(2000, 4)} {
		in := slices.Clone(x)
		med, mad := MedianMAD(x)
		wm := Median(x)
		dev := make([]float64, len(x))
		for i, v := range x {
			dev[i] = math.Abs(v - wm)
		}
		wd := 1.4826 * Median(dev)
		same := func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
		if !same(med, wm) || !same(mad, wd) {
			t.Errorf("n=%d: MedianMAD = %v, %v; Median, MAD = %v, %v", len(x), med, mad, wm, wd)
		}
		if !slices.EqualFunc(in, x, same) {
			t.Errorf("n=%d: input modified", len(x))
		}
	}
}

func TestMeanSD(t *testing.T) {
	tests := []struct {
		name     string
		x        []float64
		mean, sd float64
	}{
		// Σ(x-5)² = 32 → sd = √(32/7).
		{"textbook", []float64{2, 4, 4, 4, 5, 5, 7, 9}, 5, math.Sqrt(32.0 / 7)},
		{"NaN skipped", []float64{nan, 1, 3, nan}, 2, math.Sqrt2},
		{"large offset", []float64{1e9 + 1, 1e9 + 2, 1e9 + 3}, 1e9 + 2, 1},
		{"single", []float64{4}, 4, nan},
		{"empty", nil, nan, nan},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, s := MeanSD(tc.x)
			if !near(m, tc.mean, 1e-9) || !near(s, tc.sd, 1e-9) {
				t.Errorf("MeanSD(%v) = %v, %v; want %v, %v", tc.x, m, s, tc.mean, tc.sd)
			}
		})
	}
}

func TestWeightedMedian(t *testing.T) {
	tests := []struct {
		name string
		x, w []float64
		want float64
	}{
		{"equal weights odd", []float64{3, 1, 2}, []float64{1, 1, 1}, 2},
		{"equal weights even", []float64{4, 1, 3, 2}, []float64{2, 2, 2, 2}, 2.5},
		{"heavy point", []float64{1, 2, 3, 10}, []float64{1, 1, 1, 10}, 10},
		{"zero weight skipped", []float64{1, 2, 100}, []float64{1, 1, 0}, 1.5},
		{"negative weight skipped", []float64{1, 2, 100}, []float64{1, 1, -5}, 1.5},
		{"NaN value skipped", []float64{nan, 1, 2, 3}, []float64{5, 1, 1, 1}, 2},
		{"length mismatch", []float64{1, 2}, []float64{1}, nan},
		{"no usable pair", []float64{1, 2}, []float64{0, 0}, nan},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := WeightedMedian(tc.x, tc.w); !near(got, tc.want, 1e-12) {
				t.Errorf("WeightedMedian(%v, %v) = %v, want %v", tc.x, tc.w, got, tc.want)
			}
		})
	}
}

func TestBiweight(t *testing.T) {
	// Clean N(0,1), n = 20,000. The biweight scale with c = 9 has about 86%
	// efficiency, SE ≈ 1/√(2·0.86·n) = 0.0054, and converges to ≈ 1.009
	// for the normal (its known small asymptotic bias, documented): allow
	// 1.009 ± 5 SE. The location's SE is ≈ 1/√(0.98·n) = 0.0071 (98%
	// efficiency at c = 6): allow 5 SE.
	x := normalSample(20000, 2)
	if got := BiweightScale(x); math.Abs(got-1.009) > 0.027 {
		t.Errorf("BiweightScale(N(0,1)) = %v, want 1.009 ± 0.027", got)
	}
	if got := BiweightLocation(x); math.Abs(got) > 0.036 {
		t.Errorf("BiweightLocation(N(0,1)) = %v, want 0 ± 0.036", got)
	}
	// 10% gross outliers at +50: the SD explodes (≈ 15) while the robust
	// estimates move by about the outlier fraction at most (the biweight
	// rejects points beyond 9 MADs entirely; the remaining shift comes from
	// the median and MAD, each ≈ 0.13 here).
	y := slices.Clone(x[:5000])
	for i := 0; i < 500; i++ {
		y[i] = 50
	}
	if _, sd := MeanSD(y); sd < 10 {
		t.Fatalf("contamination too weak for the test: SD %v", sd)
	}
	if got := BiweightScale(y); got > 1.25 || got < 0.8 {
		t.Errorf("BiweightScale with 10%% outliers = %v, want within [0.8, 1.25]", got)
	}
	if got := BiweightLocation(y); math.Abs(got) > 0.2 {
		t.Errorf("BiweightLocation with 10%% outliers = %v, want |·| < 0.2", got)
	}
	// Degenerate inputs.
	if got := BiweightScale([]float64{1, 1, 1, 5}); got != 0 {
		t.Errorf("BiweightScale with MAD 0 = %v, want 0", got)
	}
	if got := BiweightLocation([]float64{1, 1, 1, 5}); got != 1 {
		t.Errorf("BiweightLocation with MAD 0 = %v, want the median 1", got)
	}
	for _, in := range [][]float64{nil, {nan}} {
		if !math.IsNaN(BiweightScale(in)) || !math.IsNaN(BiweightLocation(in)) {
			t.Errorf("biweight of %v should be NaN", in)
		}
	}
}

func TestPearsonR(t *testing.T) {
	tests := []struct {
		name string
		x, y []float64
		want float64
	}{
		{"perfect", []float64{1, 2, 3, 4}, []float64{3, 5, 7, 9}, 1},
		{"anti", []float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}, -1},
		// dx = -1 0 1, dy = -1 1 0 → Σdxdy = 1, Σdx² = 2, Σdy² = 2 → 0.5.
		{"hand computed", []float64{1, 2, 3}, []float64{1, 3, 2}, 0.5},
		{"non-finite pairs skipped", []float64{1, nan, 2, 3, 4}, []float64{1, 9, 3, 2, math.Inf(1)}, 0.5},
		{"constant", []float64{1, 1, 1}, []float64{1, 2, 3}, nan},
		{"length mismatch", []float64{1, 2}, []float64{1}, nan},
		{"too few", []float64{1}, []float64{1}, nan},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := PearsonR(tc.x, tc.y); !near(got, tc.want, 1e-12) {
				t.Errorf("PearsonR = %v, want %v", got, tc.want)
			}
		})
	}
}

// Selection-based Median, Quantile and MAD equal the sort-based order
// statistics exactly, on inputs with ties, infinities and NaNs, of every
// small length and a few large ones (the selection's sort fallback and its
// equal-pivot exit included: many-ties inputs end rounds early).
func TestSelectionMatchesSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	draw := func(n, kind int) []float64 {
		x := make([]float64, n)
		for i := range x {
			switch kind {
			case 0:
				x[i] = r.NormFloat64()
			case 1:
				x[i] = float64(r.IntN(4)) // heavy ties
			case 2:
				x[i] = []float64{math.Inf(-1), math.Inf(1), math.NaN(), r.Float64()}[r.IntN(4)]
			default:
				x[i] = float64(i) // sorted input
			}
		}
		return x
	}
	for _, n := range append([]int{1, 2, 3, 5, 16, 17, 18, 33, 100, 1001, 20000}, 0) {
		for kind := range 4 {
			x := draw(n, kind)
			s := sortedNonNaN(x)
			for _, p := range []float64{0, 0.1, 0.25, 0.5, 0.75, 0.9, 1} {
				want, got := quantileSorted(s, p), Quantile(x, p)
				if !(want == got || (math.IsNaN(want) && math.IsNaN(got))) {
					t.Fatalf("n=%d kind=%d: Quantile(%v) = %v, sort gives %v", n, kind, p, got, want)
				}
			}
			med := quantileSorted(s, 0.5)
			var d []float64
			for _, v := range s {
				if dv := math.Abs(v - med); !math.IsNaN(dv) {
					d = append(d, dv)
				}
			}
			slices.Sort(d)
			want, got := madScale*quantileSorted(d, 0.5), MAD(x)
			if !(want == got || (math.IsNaN(want) && math.IsNaN(got))) {
				t.Fatalf("n=%d kind=%d: MAD = %v, sort gives %v", n, kind, got, want)
			}
		}
	}
}
