package call

import (
	"math"
	"testing"
)

// ResidualRisk against Bayes' rule written out directly, where the direct
// form is exact in floating point, and at likelihood ratios whose direct
// form would overflow.
func TestResidualRisk(t *testing.T) {
	for _, tc := range []struct{ prev, lr float64 }{{1.0 / 252, 0.01}, {1.0 / 252, 1}, {0.001, 0.1}, {0.05, 1e-3}, {0.3, 50}} {
		want := tc.prev * tc.lr / (tc.prev*tc.lr + 1 - tc.prev)
		if got := ResidualRisk(tc.prev, math.Log10(tc.lr)); math.Abs(got-want) > 1e-12*math.Max(want, 1e-300)+1e-15 {
			t.Errorf("prevalence %g, LR %g: risk %.6g, want %.6g", tc.prev, tc.lr, got, want)
		}
	}
	// LR 1: the risk is the prevalence.
	if got := ResidualRisk(0.004, 0); math.Abs(got-0.004) > 1e-15 {
		t.Errorf("LR 1: risk %g, want the prevalence", got)
	}
	for _, tc := range []struct{ prev, l, want float64 }{{0.004, 1000, 1}, {0.004, -1000, 0}, {0, 5, 0}, {1, -5, 1}} {
		if got := ResidualRisk(tc.prev, tc.l); got != tc.want {
			t.Errorf("prevalence %g, log10 LR %g: risk %g, want %g", tc.prev, tc.l, got, tc.want)
		}
	}
	if !math.IsNaN(ResidualRisk(math.NaN(), 0)) || !math.IsNaN(ResidualRisk(0.01, math.NaN())) {
		t.Error("NaN input must give NaN")
	}
}

func TestOneIn(t *testing.T) {
	for _, tc := range []struct {
		p    float64
		want string
	}{{1e-4, "1 in 10000"}, {1.0 / 252, "1 in 250"}, {0.5, "1 in 2"}, {1.0 / 84321, "1 in 84000"}, {0, "0"}, {1, "1 in 1"}, {math.NaN(), "unknown"}} {
		if got := OneIn(tc.p); got != tc.want {
			t.Errorf("OneIn(%g) = %q, want %q", tc.p, got, tc.want)
		}
	}
}

func TestPrevalenceFor(t *testing.T) {
	p := Prevalence{T21: 1, T18: 2, T13: 3, RAT: 4}
	for chrom, want := range map[int]float64{20: 1, 17: 2, 12: 3, 0: 4, 15: 4, 21: 4} {
		if got := p.For(chrom); got != want {
			t.Errorf("chromosome index %d: %g, want %g", chrom, got, want)
		}
	}
}

// The posterior of the fetal fraction against the log-normal population
// distribution computed independently: with an uninformative estimate
// (SE 10) it is the population itself — mean Median·exp(LogSD²/2) = 11.33%
// (the truncation at 50% removes 0.07% of the mass and lowers the mean by
// < 0.05 points) and 3.34% below 4% (Φ(ln 0.4 / 0.5)); with a precise
// estimate (SE 0.05 points) it is the estimate. The midpoint grid has 400
// nodes of 0.125 points, so the CDF can be off by one node's mass (≤ 0.5
// points here) and the mean by far less.
func TestPopulationPosterior(t *testing.T) {
	pop := PopulationFF{Median: 0.10, LogSD: 0.5}
	wide := FFPrior{Value: 0.10, SE: 10}
	if m := wide.PosteriorMean(pop); math.Abs(m-0.1*math.Exp(0.125)) > 0.001 {
		t.Errorf("posterior mean with an uninformative estimate %.4f, want %.4f", m, 0.1*math.Exp(0.125))
	}
	want := 0.5 * math.Erfc(-math.Log(0.4)/0.5/math.Sqrt2)
	if c := wide.PosteriorCDF(pop, 0.04); math.Abs(c-want) > 0.005 {
		t.Errorf("posterior P(f ≤ 4%%) %.4f, want %.4f", c, want)
	}
	if q := pop.Quantile(0.5); math.Abs(q-0.10) > 1e-12 {
		t.Errorf("median %.4f", q)
	}
	if m := (FFPrior{Value: 0.05, SE: 0.0005}).PosteriorMean(pop); math.Abs(m-0.05) > 0.0002 {
		t.Errorf("posterior mean with a precise estimate %.5f, want ≈ 0.05", m)
	}
	// An estimate of 5% ± 3 points is pulled towards the population median
	// and loses the mass below 2% that the estimate alone gives (11.8% of
	// the truncated normal: (Φ(−1) − Φ(−5/3))/(1 − Φ(−5/3)); the
	// population has 0.06% there).
	est := FFPrior{Value: 0.05, SE: 0.03}
	if a, b := est.PosteriorCDF(PopulationFF{}, 0.02), est.PosteriorCDF(pop, 0.02); !(b < a/10 && a > 0.1) {
		t.Errorf("P(f ≤ 2%%): %.3f from the estimate alone, %.4f with the population: want a tenfold drop", a, b)
	}
	if m := est.PosteriorMean(pop); !(m > 0.06 && m < 0.10) {
		t.Errorf("posterior mean %.4f of 5%% ± 3 points: want between the estimate and the median", m)
	}
	if !math.IsNaN((FFPrior{Value: math.NaN()}).PosteriorMean(pop)) {
		t.Error("unknown estimate must give NaN")
	}
}
