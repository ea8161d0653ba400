package evaluate

import (
	"math"
	"testing"
)

// Reference values: R 4.x binom.test(k, n)$conf.int (Clopper–Pearson),
// prop.test(k, n, correct = FALSE)$conf.int (Wilson) and
// poisson.test(k)$conf.int (Garwood), printed to 7 digits; the closed forms
// for k = 0 and k = n are (α/2)^(1/n) identities.
func TestClopperPearsonKnownValues(t *testing.T) {
	tests := []struct {
		k, n   int
		lo, hi float64
	}{
		{9, 10, 0.5549839, 0.9974714},
		{5, 10, 0.1870860, 0.8129140},
		{0, 10, 0, 1 - math.Pow(0.025, 1.0/10)},
		{10, 10, math.Pow(0.025, 1.0/10), 1},
		{99, 100, 0.9455406, 0.9997469},
		{1, 1, 0.025, 1},
	}
	for _, tt := range tests {
		lo, hi := ClopperPearson.Interval(tt.k, tt.n, 0.95)
		// 5e-7: the reference values are rounded to 7 decimals.
		if math.Abs(lo-tt.lo) > 5e-7 || math.Abs(hi-tt.hi) > 5e-7 {
			t.Errorf("ClopperPearson(%d, %d) = (%.7f, %.7f), want (%.7f, %.7f)", tt.k, tt.n, lo, hi, tt.lo, tt.hi)
		}
	}
}

// binomTail returns P(X ≤ k) for X ~ Binomial(n, p), summed directly.
func binomTail(k, n int, p float64) float64 {
	var s float64
	for i := 0; i <= k; i++ {
		lg, _ := math.Lgamma(float64(n + 1))
		l1, _ := math.Lgamma(float64(i + 1))
		l2, _ := math.Lgamma(float64(n - i + 1))
		s += math.Exp(lg - l1 - l2 + float64(i)*math.Log(p) + float64(n-i)*math.Log1p(-p))
	}
	return s
}

// The defining property of the exact interval: at the lower bound the
// chance of k or more successes is α/2, at the upper bound the chance of k
// or fewer is α/2. Checked by direct binomial sums, independent of the
// incomplete-beta inversion.
func TestClopperPearsonTails(t *testing.T) {
	for _, n := range []int{1, 2, 7, 20, 60, 150} {
		for k := 0; k <= n; k += 1 + n/9 {
			lo, hi := ClopperPearson.Interval(k, n, 0.95)
			if k > 0 {
				if got := 1 - binomTail(k-1, n, lo); math.Abs(got-0.025) > 1e-8 {
					t.Errorf("n=%d k=%d: P(X≥k | lo=%g) = %g, want 0.025", n, k, lo, got)
				}
			}
			if k < n {
				if got := binomTail(k, n, hi); math.Abs(got-0.025) > 1e-8 {
					t.Errorf("n=%d k=%d: P(X≤k | hi=%g) = %g, want 0.025", n, k, hi, got)
				}
			}
			if !(lo <= float64(k)/float64(n) && float64(k)/float64(n) <= hi) {
				t.Errorf("n=%d k=%d: interval (%g, %g) misses the estimate", n, k, lo, hi)
			}
		}
	}
}

func TestWilsonKnownValues(t *testing.T) {
	tests := []struct {
		k, n   int
		lo, hi float64
	}{
		{9, 10, 0.5958499, 0.9821238},
		{0, 10, 0, 0.2775328},
		{50, 100, 0.4038315, 0.5961685},
		{10, 10, 0.7224672, 1},
	}
	for _, tt := range tests {
		lo, hi := Wilson.Interval(tt.k, tt.n, 0.95)
		if math.Abs(lo-tt.lo) > 5e-7 || math.Abs(hi-tt.hi) > 5e-7 {
			t.Errorf("Wilson(%d, %d) = (%.7f, %.7f), want (%.7f, %.7f)", tt.k, tt.n, lo, hi, tt.lo, tt.hi)
		}
	}
}

func TestIntervalsInvalid(t *testing.T) {
	for _, m := range []CIMethod{ClopperPearson, Wilson} {
		for _, c := range []struct {
			k, n int
			conf float64
		}{{0, 0, 0.95}, {3, 2, 0.95}, {-1, 4, 0.95}, {1, 4, 1}, {1, 4, 0}} {
			lo, hi := m.Interval(c.k, c.n, c.conf)
			if !math.IsNaN(lo) || !math.IsNaN(hi) {
				t.Errorf("%s(%d, %d, %v) = (%v, %v), want NaN", m, c.k, c.n, c.conf, lo, hi)
			}
		}
	}
}

func TestPoissonInterval(t *testing.T) {
	tests := []struct {
		k      int
		lo, hi float64
	}{
		{0, 0, 3.6888795},
		{2, 0.2422093, 7.2246877},
	}
	for _, tt := range tests {
		lo, hi := PoissonInterval(tt.k, 0.95)
		if math.Abs(lo-tt.lo) > 5e-7 || math.Abs(hi-tt.hi) > 5e-7 {
			t.Errorf("Poisson(%d) = (%.7f, %.7f), want (%.7f, %.7f)", tt.k, lo, hi, tt.lo, tt.hi)
		}
	}
	// Tail property by direct Poisson sums: P(X ≥ k | lo) = P(X ≤ k | hi) = α/2.
	cdf := func(k int, mu float64) float64 {
		var s float64
		for i := 0; i <= k; i++ {
			lf, _ := math.Lgamma(float64(i + 1))
			s += math.Exp(-mu + float64(i)*math.Log(mu) - lf)
		}
		return s
	}
	for _, k := range []int{1, 3, 10, 40} {
		lo, hi := PoissonInterval(k, 0.95)
		if got := 1 - cdf(k-1, lo); math.Abs(got-0.025) > 1e-8 {
			t.Errorf("k=%d: P(X≥k | %g) = %g, want 0.025", k, lo, got)
		}
		if got := cdf(k, hi); math.Abs(got-0.025) > 1e-8 {
			t.Errorf("k=%d: P(X≤k | %g) = %g, want 0.025", k, hi, got)
		}
	}
}

func TestParseCIMethod(t *testing.T) {
	for in, want := range map[string]CIMethod{"clopper-pearson": ClopperPearson, "exact": ClopperPearson, "wilson": Wilson} {
		if got, err := ParseCIMethod(in); err != nil || got != want {
			t.Errorf("ParseCIMethod(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseCIMethod("agresti"); err == nil {
		t.Error("ParseCIMethod(agresti) succeeded")
	}
}
