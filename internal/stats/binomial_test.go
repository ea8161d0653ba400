package stats

import (
	"math"
	"testing"
)

func TestWilsonInterval(t *testing.T) {
	// Reference values from the closed form evaluated independently (Python,
	// z = Φ⁻¹(0.975) from mpmath).
	tests := []struct {
		k, n   int
		lo, hi float64
	}{
		{8, 10, 0.4901624715366417, 0.9433178485456248},
		{0, 20, 0, 0.16112515805281938},
		{45, 100, 0.35614537979511973, 0.5475539700255787},
		{20, 20, 1 - 0.16112515805281938, 1}, // mirror of 0/20
	}
	for _, tc := range tests {
		lo, hi := WilsonInterval(tc.k, tc.n, 0.95)
		if math.Abs(lo-tc.lo) > 1e-12 || math.Abs(hi-tc.hi) > 1e-12 {
			t.Errorf("WilsonInterval(%d, %d) = (%v, %v), want (%v, %v)", tc.k, tc.n, lo, hi, tc.lo, tc.hi)
		}
	}
}

func TestClopperPearson(t *testing.T) {
	tests := []struct {
		k, n   int
		lo, hi float64
	}{
		// mpmath root of the regularized incomplete beta.
		{5, 10, 0.187086028447399, 0.812913971552601},
		// Closed forms at the ends: 1 - (α/2)^(1/n) and (α/2)^(1/n).
		{0, 10, 0, 1 - math.Pow(0.025, 0.1)},
		{10, 10, math.Pow(0.025, 0.1), 1},
	}
	for _, tc := range tests {
		lo, hi := ClopperPearson(tc.k, tc.n, 0.95)
		if math.Abs(lo-tc.lo) > 1e-10 || math.Abs(hi-tc.hi) > 1e-10 {
			t.Errorf("ClopperPearson(%d, %d) = (%v, %v), want (%v, %v)", tc.k, tc.n, lo, hi, tc.lo, tc.hi)
		}
	}
	// The exact interval is never narrower than Wilson's at the ends.
	lo, hi := ClopperPearson(1, 30, 0.95)
	wlo, whi := WilsonInterval(1, 30, 0.95)
	if !(lo <= wlo && hi >= whi) {
		t.Errorf("ClopperPearson(1,30) = (%v,%v) inside Wilson (%v,%v)", lo, hi, wlo, whi)
	}
}

func TestBinomialInvalid(t *testing.T) {
	bad := []struct {
		k, n int
		conf float64
	}{{-1, 10, 0.95}, {11, 10, 0.95}, {0, 0, 0.95}, {1, 10, 0}, {1, 10, 1}, {1, 10, math.NaN()}}
	for _, b := range bad {
		for name, f := range map[string]func(int, int, float64) (float64, float64){"Wilson": WilsonInterval, "ClopperPearson": ClopperPearson} {
			lo, hi := f(b.k, b.n, b.conf)
			if !math.IsNaN(lo) || !math.IsNaN(hi) {
				t.Errorf("%s(%d, %d, %v) = (%v, %v), want NaN", name, b.k, b.n, b.conf, lo, hi)
			}
		}
	}
}
