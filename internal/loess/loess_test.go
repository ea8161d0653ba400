package loess

import (
	"math"
	"math/rand/v2"
	"testing"
)

// noisy returns n points with x uniform on [0, xmax), y = f(x) + N(0, sd²).
func noisy(n int, xmax, sd float64, f func(float64) float64, seed uint64) (x, y []float64) {
	r := rand.New(rand.NewPCG(seed, 7))
	x = make([]float64, n)
	y = make([]float64, n)
	for i := range x {
		x[i] = r.Float64() * xmax
		y[i] = f(x[i]) + sd*r.NormFloat64()
	}
	return x, y
}

func TestDirectMatchesNaive(t *testing.T) {
	x, y := noisy(200, 2*math.Pi, 0.3, math.Sin, 1)
	// A few gross outliers so that the robustness iterations matter.
	for i := 0; i < 200; i += 37 {
		y[i] += 4
	}
	for _, span := range []float64{0.2, 0.75, 1.5} {
		for _, degree := range []int{1, 2} {
			for _, iters := range []int{NoRobust, 3} {
				want, _ := naiveLoess(x, y, span, degree, max(iters, 0))
				got, err := Smooth(x, y, Options{Span: span, Degree: degree, Iterations: iters, Grid: -1})
				if err != nil {
					t.Fatal(err)
				}
				// Both solve the same equations; the only difference is
				// rounding (normal equations vs QR).
				for i := range got {
					if math.Abs(got[i]-want[i]) > 1e-8 {
						t.Errorf("span %v degree %d iters %d: point %d = %v, naive %v", span, degree, iters, i, got[i], want[i])
						break
					}
				}
			}
		}
	}
}

func TestGridMatchesDirect(t *testing.T) {
	const sd = 0.3
	x, y := noisy(3000, 2*math.Pi, sd, math.Sin, 2)
	for _, span := range []float64{0.1, 0.3, 0.75} {
		direct, err := Smooth(x, y, Options{Span: span, Grid: -1})
		if err != nil {
			t.Fatal(err)
		}
		grid, err := Smooth(x, y, Options{Span: span})
		if err != nil {
			t.Fatal(err)
		}
		// The grid fit differs from the direct one by the interpolation
		// error (≤ Δ²·|f''|/8 with Δ ≤ range/64: ≈ 1.2e-3 for this sine)
		// and by the fine-scale roughness of the direct nearest-neighbour
		// fit (its bandwidth has kinks as the window slides), a small
		// fraction of the fit's standard error (≈ 0.3·√(1/150) ≈ 0.025 at
		// span 0.1, less at larger spans); robustness weights computed
		// from either curve shift the fit by the same order. 2% of the
		// noise SD (0.006, a quarter of the smallest SE) bounds both while
		// catching a wrong window or grid point (errors of order the SE).
		for i := range grid {
			if math.Abs(grid[i]-direct[i]) > 0.02*sd {
				t.Errorf("span %v: grid fit %v differs from direct %v at x=%v", span, grid[i], direct[i], x[i])
				break
			}
		}
	}
}

func TestRecoversKnownShapes(t *testing.T) {
	tests := []struct {
		name   string
		f      func(float64) float64
		xmax   float64
		span   float64
		degree int
	}{
		{"sine, local quadratic", math.Sin, 2 * math.Pi, 0.2, 2},
		{"quadratic, local line", func(x float64) float64 { return 2 - 3*x + 0.5*x*x }, 6, 0.1, 1},
		{"GC-like bowl", func(x float64) float64 { return 1 - 8*(x-0.45)*(x-0.45) }, 0.7, 0.75, 2},
	}
	const sd = 0.2
	for k, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, y := noisy(500, tc.xmax, sd, tc.f, uint64(10+k))
			_, hat2 := naiveLoess(x, y, tc.span, tc.degree, 0)
			for _, iters := range []int{NoRobust, 3} {
				got, err := Smooth(x, y, Options{Span: tc.span, Degree: tc.degree, Iterations: iters})
				if err != nil {
					t.Fatal(err)
				}
				// Each fitted value has standard error sd·√Σℓ² (exact
				// for the linear smoother; the robust fit loses a few
				// percent efficiency on Gaussian noise). Bias is small
				// for these spans (the local polynomial error is
				// O(h^(degree+1)) with half-windows ≤ 0.6 units). The
				// maximum over 500 strongly correlated estimates spans
				// only ~1/span independent windows, so 5 SE is a
				// generous but still sharp bound (a wrong bandwidth or
				// weight gives tens of SE on these curves).
				worst := 0.0
				for i := range got {
					z := math.Abs(got[i]-tc.f(x[i])) / (sd * math.Sqrt(hat2[i]))
					worst = math.Max(worst, z)
				}
				if worst > 5 {
					t.Errorf("iterations %d: worst standardized error %.2f > 5", iters, worst)
				}
			}
		})
	}
}

func TestExactPolynomials(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	x := make([]float64, 400)
	for i := range x {
		x[i] = r.Float64() * 10
	}
	quad := func(v float64) float64 { return 1 + 2*v - 0.3*v*v }
	line := func(v float64) float64 { return -4 + 0.7*v }
	yq := make([]float64, len(x))
	yl := make([]float64, len(x))
	for i, v := range x {
		yq[i], yl[i] = quad(v), line(v)
	}
	// A local polynomial of degree d reproduces polynomials of degree ≤ d
	// exactly (up to rounding), and linear interpolation reproduces lines.
	c, err := Fit(x, yq, Options{Span: 0.3, Degree: 2, Grid: -1})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range x {
		if math.Abs(c.At(v)-quad(v)) > 1e-9 {
			t.Fatalf("direct quadratic at %v: %v, want %v", v, c.At(v), quad(v))
		}
		// The local quadratic is the quadratic itself, so its slope is
		// f'(x) = 2 - 0.6x.
		if math.Abs(c.Slope(v)-(2-0.6*v)) > 1e-8 {
			t.Fatalf("slope at %v: %v, want %v", v, c.Slope(v), 2-0.6*v)
		}
	}
	c, err = Fit(x, yl, Options{Span: 0.3, Degree: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []float64{x[0], 3.3, 7.77, x[len(x)-1]} {
		if math.Abs(c.At(v)-line(v)) > 1e-9 {
			t.Fatalf("gridded line at %v: %v, want %v", v, c.At(v), line(v))
		}
	}
	// On the grid, a quadratic is exact at the grid points and off by at
	// most Δ²·|f''|/8 between them (linear interpolation error bound).
	c, err = Fit(x, yq, Options{Span: 0.3, Degree: 2})
	if err != nil {
		t.Fatal(err)
	}
	gx, _ := c.Grid()
	for i := 1; i < len(gx); i++ {
		mid := (gx[i-1] + gx[i]) / 2
		d := gx[i] - gx[i-1]
		if bound := d*d*0.6/8 + 1e-9; math.Abs(c.At(mid)-quad(mid)) > bound {
			t.Fatalf("gridded quadratic at %v off by %v > %v", mid, math.Abs(c.At(mid)-quad(mid)), bound)
		}
	}
}

func TestRobustToOutliers(t *testing.T) {
	const sd = 0.2
	x, y := noisy(1000, 2*math.Pi, sd, math.Sin, 3)
	// 5% of points shifted by +3 (15 SD), as deleted/amplified bins would be.
	for i := 0; i < len(y); i += 20 {
		y[i] += 3
	}
	rmse := func(fit []float64) float64 {
		s := 0.0
		for i := range fit {
			d := fit[i] - math.Sin(x[i])
			s += d * d
		}
		return math.Sqrt(s / float64(len(fit)))
	}
	robust, err := Smooth(x, y, Options{Span: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := Smooth(x, y, Options{Span: 0.3, Iterations: NoRobust})
	if err != nil {
		t.Fatal(err)
	}
	// The non-robust fit is lifted by about 5% × 3 = 0.15 everywhere; the
	// robust one should stay near the noise-limited error (SE of a
	// 300-point local quadratic ≈ 0.2·√(2/300) ≈ 0.016).
	if r, p := rmse(robust), rmse(plain); r > 0.05 || p < 0.1 {
		t.Errorf("RMSE robust %v (want < 0.05), non-robust %v (want > 0.1)", r, p)
	}
	c, _ := Fit(x, y, Options{Span: 0.3})
	for i := 0; i < len(y); i += 20 {
		if c.Robustness[i] != 0 {
			t.Errorf("outlier %d kept robustness weight %v, want 0", i, c.Robustness[i])
			break
		}
	}
}

func TestSpanBeyondOneIsGlobalFit(t *testing.T) {
	// As span → ∞ every tricube weight → 1, so LOESS becomes ordinary least
	// squares; compare with the normal-equation solution of a global
	// quadratic (computed here by hand from the naive fit with span huge is
	// circular, so use Cramer's rule on centered sums instead).
	x, y := noisy(200, 1, 0.1, func(v float64) float64 { return v * v }, 4)
	c, err := Fit(x, y, Options{Span: 1e6, Degree: 2, Iterations: NoRobust, Grid: -1})
	if err != nil {
		t.Fatal(err)
	}
	var s [5]float64
	var ty [3]float64
	for i, v := range x {
		p := 1.0
		for k := 0; k < 5; k++ {
			s[k] += p
			if k < 3 {
				ty[k] += p * y[i]
			}
			p *= v
		}
	}
	det3 := func(a [3][3]float64) float64 {
		return a[0][0]*(a[1][1]*a[2][2]-a[1][2]*a[2][1]) - a[0][1]*(a[1][0]*a[2][2]-a[1][2]*a[2][0]) + a[0][2]*(a[1][0]*a[2][1]-a[1][1]*a[2][0])
	}
	m := [3][3]float64{{s[0], s[1], s[2]}, {s[1], s[2], s[3]}, {s[2], s[3], s[4]}}
	d := det3(m)
	var beta [3]float64
	for k := 0; k < 3; k++ {
		mk := m
		for r := 0; r < 3; r++ {
			mk[r][k] = ty[r]
		}
		beta[k] = det3(mk) / d
	}
	for _, v := range x[:20] {
		want := beta[0] + beta[1]*v + beta[2]*v*v
		// Weights differ from 1 by ≤ 3·(1/1e6)³: negligible.
		if got := c.At(v); math.Abs(got-want) > 1e-8 {
			t.Errorf("span 1e6 at %v: %v, global OLS %v", v, got, want)
		}
	}
}

func BenchmarkFit300k(b *testing.B)         { benchFit(b, 300000, 0.75, 1) }
func BenchmarkFit300kSpan01(b *testing.B)   { benchFit(b, 300000, 0.1, 1) }
func BenchmarkFit300k2Workers(b *testing.B) { benchFit(b, 300000, 0.75, 2) }
func BenchmarkFit30k(b *testing.B)          { benchFit(b, 30000, 0.75, 1) }

func benchFit(b *testing.B, n int, span float64, workers int) {
	// GC-like: x in [0.3, 0.6], a bowl plus noise, default degree and
	// robustness iterations.
	x, y := noisy(n, 0.3, 0.1, func(v float64) float64 { return 1 - 4*(v-0.15)*(v-0.15) }, 9)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Fit(x, y, Options{Span: span, Workers: workers}); err != nil {
			b.Fatal(err)
		}
	}
}
