package call

import (
	"math"

	"github.com/nipt/nipt/internal/fetalfraction"
	"github.com/nipt/nipt/internal/stats"
)

// FFPrior is what is known of a sample's fetal fraction from its
// estimate: an unbiased estimate Value whose SD at the true fraction f is
// Noise.SD(f) — the calibrated measurement model of the fetal-fraction
// methods (fetalfraction.Estimate: a regression estimate shrunk towards its
// training mean is de-biased, and its SD grows accordingly) — or SE at
// every f when Noise is nil. Its likelihood N(Value; f, SD(f)²) truncated
// to (0, MaxFF] is the distribution of the fetal fraction under a flat
// prior. The trisomy calls and the SCA callability multiply in the
// population distribution of the fetal fraction (PopulationFF) and
// integrate over that posterior. A NaN value means unknown: a uniform
// distribution over (0, MaxFF] is used instead. SE is the SD at Value when
// Noise is set (for display and the chrX baseline's SE, analyze.xBaseline).
type FFPrior struct {
	Value, SE float64
	Noise     FFNoise
	// Why says why the fetal fraction is unknown (Value NaN), for the
	// no-call reasons; empty when it is known or no reason is given.
	Why string
	// Of says whose fraction the estimate is when it is not the sample's
	// measured one (e.g. one fetus's of a twin pregnancy), for the no-call
	// reasons; empty otherwise.
	Of string
}

// FFNoise gives the SD of a fetal-fraction estimate as a function of the
// true fetal fraction (fetalfraction.Estimate and Measurement implement it).
type FFNoise interface {
	SD(f float64) float64
}

// sd is the SD of the estimate at true fraction f.
func (p FFPrior) sd(f float64) float64 {
	if p.Noise != nil {
		return p.Noise.SD(f)
	}
	return p.SE
}

// known reports whether the estimate is usable (a value and an SD).
func (p FFPrior) known() bool {
	return !math.IsNaN(p.Value) && (p.Noise != nil || p.SE > 0)
}

// MaxFF bounds fetal fractions (placental cfDNA above 50% of the total is
// not observed in singleton pregnancies).
const MaxFF = fetalfraction.MaxFraction

// ffGridN is the number of quadrature nodes; the integrands are smooth in
// f, so the midpoint rule over 400 nodes is accurate to far below the
// precision reported.
const ffGridN = 400

// ffSpan is the half-width of the quadrature range in SDs: outside it the
// likelihood is below e^-18 of its peak, and the population density is
// bounded there, so no posterior mass is lost that matters.
const ffSpan = 6

// grid returns quadrature nodes and normalised weights for the prior.
func (p FFPrior) grid() (f, w []float64) { return p.gridWith(PopulationFF{}) }

// gridWith returns quadrature nodes and normalised weights of the
// posterior given the population distribution pop (the prior itself when
// pop is zero). The nodes span the fractions within ffSpan SDs of the
// estimate ({f : |Value − f| ≤ 6·SD(f)}). Without an estimate the
// posterior is the population distribution itself over (0, MaxFF] (the
// uniform distribution when pop is zero).
func (p FFPrior) gridWith(pop PopulationFF) (f, w []float64) {
	lo, hi := 1e-4, MaxFF
	known := p.known()
	if known {
		a, b := fetalfraction.Invert(p.Value, p.sd, ffSpan)
		lo, hi = math.Max(lo, a), math.Min(hi, b)
		if hi <= lo { // estimate far outside (0, MaxFF]: clamp to the edge
			lo, hi = math.Max(math.Min(p.Value, MaxFF)-1e-3, 1e-4), math.Min(math.Max(p.Value, 1e-4)+1e-3, MaxFF)
		}
	}
	f = make([]float64, ffGridN)
	w = make([]float64, ffGridN)
	step := (hi - lo) / ffGridN
	lw := make([]float64, ffGridN)
	for i := range f {
		f[i] = lo + (float64(i)+0.5)*step
		lw[i] = math.Log(pop.density(f[i]))
		if known {
			s := p.sd(f[i])
			z := (f[i] - p.Value) / s
			lw[i] += -z*z/2 - math.Log(s)
		}
	}
	// Normalise on the log scale: a density ratio of e^-700 must not
	// underflow every weight.
	norm := logSumExp(lw)
	for i := range w {
		w[i] = math.Exp(lw[i] - norm)
	}
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		for i := range w {
			w[i] = 1.0 / ffGridN
		}
	}
	return f, w
}

// Low returns the lower bound of the estimate's 95% confidence interval
// (without the population distribution): Value − 1.96 SE for a constant
// SE, else the test-inversion bound of fetalfraction.Invert.
func (p FFPrior) Low() float64 {
	if p.Noise == nil {
		return math.Max(p.Value-stats.NormalQuantile(0.975)*p.SE, 0)
	}
	lo, _ := fetalfraction.Invert(p.Value, p.sd, stats.NormalQuantile(0.975))
	return lo
}

// High returns the upper bound of the estimate's 95% confidence interval
// (without the population distribution), the counterpart of Low.
func (p FFPrior) High() float64 {
	if p.Noise == nil {
		return p.Value + stats.NormalQuantile(0.975)*p.SE
	}
	_, hi := fetalfraction.Invert(p.Value, p.sd, stats.NormalQuantile(0.975))
	return hi
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
