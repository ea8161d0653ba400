package call

import (
	"math"

	"github.com/nipt/nipt/internal/stats"
)

// FFPrior is what is known of a sample's fetal fraction from its
// estimate: Value with standard error SE, i.e. a normal distribution
// N(Value, SE²) truncated to (0, MaxFF] — the estimate's likelihood under a
// flat prior. The trisomy calls and the SCA callability multiply in the
// population distribution of the fetal fraction (PopulationFF) and
// integrate over that posterior. A NaN value means unknown: a uniform
// distribution over (0, MaxFF] is used instead.
type FFPrior struct {
	Value, SE float64
}

// MaxFF bounds fetal fractions (placental cfDNA above 50% of the total is
// not observed in singleton pregnancies).
const MaxFF = 0.5

// ffGridN is the number of quadrature nodes; the integrands are smooth in
// f, so the midpoint rule over 400 nodes is accurate to far below the
// precision reported.
const ffGridN = 400

// grid returns quadrature nodes and normalised weights for the prior.
func (p FFPrior) grid() (f, w []float64) { return p.gridWith(PopulationFF{}) }

// gridWith returns quadrature nodes and normalised weights of the
// posterior given the population distribution pop (the prior itself when
// pop is zero). The nodes span the estimate ± 6 SE: outside it the
// likelihood is below e^-18 of its peak, and the population density is
// bounded there, so no posterior mass is lost that matters.
func (p FFPrior) gridWith(pop PopulationFF) (f, w []float64) {
	lo, hi := 1e-4, MaxFF
	known := !math.IsNaN(p.Value) && p.SE > 0
	if known {
		lo = math.Max(lo, p.Value-6*p.SE)
		hi = math.Min(hi, p.Value+6*p.SE)
		if hi <= lo { // estimate far outside (0, MaxFF]: clamp to the edge
			lo, hi = math.Max(math.Min(p.Value, MaxFF)-1e-3, 1e-4), math.Min(math.Max(p.Value, 1e-4)+1e-3, MaxFF)
		}
	}
	f = make([]float64, ffGridN)
	w = make([]float64, ffGridN)
	step := (hi - lo) / ffGridN
	var tot float64
	for i := range f {
		f[i] = lo + (float64(i)+0.5)*step
		w[i] = 1
		if known {
			z := (f[i] - p.Value) / p.SE
			w[i] = math.Exp(-z*z/2) * pop.density(f[i])
		}
		tot += w[i]
	}
	if !(tot > 0) {
		for i := range w {
			w[i] = 1
		}
		tot = ffGridN
	}
	for i := range w {
		w[i] /= tot
	}
	return f, w
}

// Low returns the lower bound of the estimate's central 95% interval,
// Value − 1.96 SE (without the population distribution).
func (p FFPrior) Low() float64 {
	return math.Max(p.Value-stats.NormalQuantile(0.975)*p.SE, 0)
}

// logSumExp returns log Σ exp(a_i).
func logSumExp(a []float64) float64 {
	m := math.Inf(-1)
	for _, v := range a {
		m = math.Max(m, v)
	}
	if math.IsInf(m, -1) {
		return m
	}
	var s float64
	for _, v := range a {
		s += math.Exp(v - m)
	}
	return m + math.Log(s)
}

// logNormal is the log density of N(mu, sd²) at x.
func logNormal(x, mu, sd float64) float64 {
	z := (x - mu) / sd
	return -0.5*z*z - math.Log(sd) - 0.5*math.Log(2*math.Pi)
}
