package stats

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// validBinom reports whether k successes of n trials at confidence conf make
// a valid interval request.
func validBinom(k, n int, conf float64) bool {
	return n > 0 && k >= 0 && k <= n && conf > 0 && conf < 1
}

// WilsonInterval returns the two-sided Wilson score interval for a binomial
// proportion with k successes out of n at confidence level conf (e.g. 0.95).
// It returns NaN, NaN for n ≤ 0, k outside [0, n] or conf outside (0, 1).
func WilsonInterval(k, n int, conf float64) (lo, hi float64) {
	if !validBinom(k, n, conf) {
		return math.NaN(), math.NaN()
	}
	z := NormalQuantile(1 - (1-conf)/2)
	nf := float64(n)
	p := float64(k) / nf
	z2 := z * z
	den := 1 + z2/nf
	center := (p + z2/(2*nf)) / den
	half := z / den * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	lo, hi = math.Max(0, center-half), math.Min(1, center+half)
	// Exact ends: with k = 0 (k = n) the lower (upper) bound is 0 (1).
	if k == 0 {
		lo = 0
	}
	if k == n {
		hi = 1
	}
	return lo, hi
}

// ClopperPearson returns the two-sided exact (Clopper–Pearson) interval for a
// binomial proportion: the α/2 and 1-α/2 quantiles of Beta(k, n-k+1) and
// Beta(k+1, n-k), α = 1 - conf. Invalid arguments give NaN, NaN.
func ClopperPearson(k, n int, conf float64) (lo, hi float64) {
	if !validBinom(k, n, conf) {
		return math.NaN(), math.NaN()
	}
	a := (1 - conf) / 2
	kf, nf := float64(k), float64(n)
	lo, hi = 0, 1
	if k > 0 {
		lo = mathext.InvRegIncBeta(kf, nf-kf+1, a)
	}
	if k < n {
		hi = mathext.InvRegIncBeta(kf+1, nf-kf, 1-a)
	}
	return lo, hi
}
