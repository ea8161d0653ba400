package evaluate

import (
	"fmt"
	"math"

	"github.com/nipt/nipt/internal/stats"
	"gonum.org/v1/gonum/mathext"
)

// CIMethod selects the binomial confidence interval.
type CIMethod string

// Confidence interval methods.
const (
	// ClopperPearson is the exact interval from the binomial tails: its
	// coverage is at least the nominal level for every n and p, which is
	// what a lab wants to claim with 10–30 positive cases.
	ClopperPearson CIMethod = "clopper-pearson"
	// Wilson is the score interval: coverage close to nominal on average,
	// shorter than Clopper–Pearson (Brown, Cai & DasGupta 2001).
	Wilson CIMethod = "wilson"
)

// ParseCIMethod reads a --ci value.
func ParseCIMethod(s string) (CIMethod, error) {
	switch CIMethod(s) {
	case ClopperPearson, "exact", "cp":
		return ClopperPearson, nil
	case Wilson, "score":
		return Wilson, nil
	}
	return "", fmt.Errorf("unknown confidence interval method %q (clopper-pearson or wilson)", s)
}

// Interval returns the two-sided confidence interval for a binomial
// proportion k/n at confidence level conf (e.g. 0.95): the exact
// Clopper–Pearson interval (Clopper & Pearson 1934) or the Wilson score
// interval without continuity correction (Wilson 1927), both from package
// stats. It returns NaN, NaN when n is 0 or the arguments are invalid.
func (m CIMethod) Interval(k, n int, conf float64) (lo, hi float64) {
	if m == Wilson {
		return WilsonInterval(k, n, conf)
	}
	return ClopperPearsonInterval(k, n, conf)
}

// ClopperPearsonInterval is the exact binomial interval (Clopper & Pearson
// 1934), stats.ClopperPearson: lo is the α/2 quantile of Beta(k, n−k+1) and
// hi the 1−α/2 quantile of Beta(k+1, n−k), with lo = 0 when k = 0 and hi = 1
// when k = n.
func ClopperPearsonInterval(k, n int, conf float64) (lo, hi float64) {
	return stats.ClopperPearson(k, n, conf)
}

// WilsonInterval is the Wilson score interval without continuity
// correction (Wilson 1927), stats.WilsonInterval.
func WilsonInterval(k, n int, conf float64) (lo, hi float64) {
	return stats.WilsonInterval(k, n, conf)
}

// PoissonInterval is the exact (Garwood 1936) interval for the mean of a
// Poisson count k: lo is the α/2 quantile of Gamma(k, 1) (0 when k = 0) and
// hi the 1−α/2 quantile of Gamma(k+1, 1).
func PoissonInterval(k int, conf float64) (lo, hi float64) {
	if k < 0 || !(conf > 0 && conf < 1) {
		return math.NaN(), math.NaN()
	}
	alpha := 1 - conf
	if k > 0 {
		lo = mathext.GammaIncRegInv(float64(k), alpha/2)
	}
	hi = mathext.GammaIncRegInv(float64(k+1), 1-alpha/2)
	return lo, hi
}

// Proportion is k successes out of n with its confidence interval.
type Proportion struct {
	K     int   `json:"k"`
	N     int   `json:"n"`
	Value Float `json:"value"` // k/n; null when n = 0
	Low   Float `json:"ci_low"`
	High  Float `json:"ci_high"`
}

func newProportion(k, n int, m CIMethod, conf float64) Proportion {
	p := Proportion{K: k, N: n, Value: Float(math.NaN())}
	if n > 0 {
		p.Value = Float(float64(k) / float64(n))
	}
	lo, hi := m.Interval(k, n, conf)
	p.Low, p.High = Float(lo), Float(hi)
	return p
}

// Rate is a count of events over a number of samples, with the exact
// Poisson interval of the rate per sample.
type Rate struct {
	Events  int   `json:"events"`
	Samples int   `json:"samples"`
	Value   Float `json:"per_sample"`
	Low     Float `json:"ci_low"`
	High    Float `json:"ci_high"`
}

func newRate(k, n int, conf float64) Rate {
	r := Rate{Events: k, Samples: n, Value: Float(math.NaN()), Low: Float(math.NaN()), High: Float(math.NaN())}
	if n > 0 {
		lo, hi := PoissonInterval(k, conf)
		r.Value, r.Low, r.High = Float(float64(k)/float64(n)), Float(lo/float64(n)), Float(hi/float64(n))
	}
	return r
}
