package call

import (
	"math"

	"github.com/nipt/nipt/internal/stats"
)

// PopulationFF is the distribution of the fetal fraction among the
// pregnancies a laboratory tests: log-normal with median Median and SD
// LogSD of ln f (Ashoor et al. 2013, Ultrasound Obstet Gynecol 41:26, at
// 11–13 weeks: median 10.0%, interquartile range 7.8–13.0%, falling with
// maternal weight; fetal fractions are modelled on the log scale there and
// in Wright et al. 2015, Fetal Diagn Ther 38:10). The zero value means no
// population distribution: the calls then use the estimate's likelihood
// alone (a flat prior), the behaviour before it existed.
type PopulationFF struct {
	Median, LogSD float64
}

// Valid reports whether p describes a distribution (both parameters
// positive).
func (p PopulationFF) Valid() bool { return p.Median > 0 && p.LogSD > 0 }

// density is the log-normal density at f up to a constant factor (1 for
// every f when p is not valid).
func (p PopulationFF) density(f float64) float64 {
	if !p.Valid() {
		return 1
	}
	if !(f > 0) {
		return 0
	}
	z := (math.Log(f) - math.Log(p.Median)) / p.LogSD
	return math.Exp(-z*z/2) / f
}

// Quantile returns the q-quantile of the population distribution (NaN when
// p is not valid).
func (p PopulationFF) Quantile(q float64) float64 {
	if !p.Valid() {
		return math.NaN()
	}
	return p.Median * math.Exp(p.LogSD*stats.NormalQuantile(q))
}

// PosteriorMean returns the mean of the fetal fraction's posterior given
// the estimate ff and the population distribution pop (zero pop: the
// truncated normal of the estimate); NaN when the estimate is unknown.
func (ff FFPrior) PosteriorMean(pop PopulationFF) float64 {
	if math.IsNaN(ff.Value) {
		return math.NaN()
	}
	fs, ws := ff.gridWith(pop)
	var m float64
	for i, f := range fs {
		m += ws[i] * f
	}
	return m
}

// PosteriorCDF returns the posterior probability (as PosteriorMean) of a
// fetal fraction at or below x; NaN when the estimate is unknown.
func (ff FFPrior) PosteriorCDF(pop PopulationFF, x float64) float64 {
	if math.IsNaN(ff.Value) {
		return math.NaN()
	}
	fs, ws := ff.gridWith(pop)
	var p float64
	for i, f := range fs {
		if f <= x {
			p += ws[i]
		}
	}
	return p
}
