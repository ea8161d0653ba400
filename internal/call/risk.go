package call

import (
	"fmt"
	"math"
)

// Prevalence holds the prior probability of each trisomy among the
// pregnancies tested, at the time of testing (qc.toml [prevalence]; the lab
// profile's performance.<condition>.prevalence overrides it, see
// analyze.ApplyProfilePrevalence). Trisomies are more common at 10–14
// weeks than at birth, because many affected pregnancies miscarry later, so
// prevalences at birth understate the risk a screening result starts from.
type Prevalence struct {
	T21 float64 `toml:"T21"`
	T18 float64 `toml:"T18"`
	T13 float64 `toml:"T13"`
	// RAT is used for every other autosome, each on its own.
	RAT float64 `toml:"RAT"`
}

// For returns the prevalence of the trisomy of autosome chrom (0-based
// index: 20 is chr21).
func (p Prevalence) For(chrom int) float64 {
	switch chrom {
	case 20:
		return p.T21
	case 17:
		return p.T18
	case 12:
		return p.T13
	}
	return p.RAT
}

func (p Prevalence) validate() error {
	for _, v := range []struct {
		name string
		x    float64
	}{{"T21", p.T21}, {"T18", p.T18}, {"T13", p.T13}, {"RAT", p.RAT}} {
		if !(v.x > 0 && v.x < 0.5) {
			return fmt.Errorf("prevalence.%s must lie in (0, 0.5), got %g", v.name, v.x)
		}
	}
	return nil
}

// ResidualRisk returns the probability of the condition after the test,
// given its prior probability prev and the test's likelihood ratio
// 10^log10LR of condition against no condition (Bayes' rule in odds form):
//
//	risk = π·LR / (π·LR + 1 − π)
//
// computed on the log scale, so that no likelihood ratio over- or
// underflows. NaN inputs give NaN.
func ResidualRisk(prev, log10LR float64) float64 {
	if math.IsNaN(prev) || math.IsNaN(log10LR) {
		return math.NaN()
	}
	switch {
	case prev <= 0:
		return 0
	case prev >= 1:
		return 1
	}
	lo := math.Log10(prev/(1-prev)) + log10LR // log10 posterior odds
	return 1 / (1 + math.Pow(10, -lo))
}
