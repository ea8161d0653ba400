package call

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nipt/nipt/internal/result"
	"github.com/nipt/nipt/internal/stats"
)

// lowRiskProb is the exact probability that a full trisomy at fetal
// fraction f, on a chromosome whose dosage has SD sd, is called low risk
// at prevalence prev when the fetal-fraction estimate is drawn N(f, se²):
// for each estimate v (midpoint grid over ±5 SE, 41 nodes) the low-risk
// region is d ≤ d*(v), because the likelihood ratio, and with it the risk
// after the test, rises monotonically with the dosage d; d* is found by
// bisection (24 halvings of a range of ~25 SD: 2e-6 SD).
func lowRiskProb(f, sd, se, prev float64, cfg Config) float64 {
	const nv = 41
	var p, wsum float64
	for i := range nv {
		u := -5 + 10*(float64(i)+0.5)/nv
		v := f + se*u
		w := math.Exp(-u * u / 2)
		wsum += w
		if v <= 0 {
			continue
		}
		ff := FFPrior{v, se}
		isLow := func(d float64) bool {
			return CallTrisomy(Dosage{Value: d, SD: sd, Retention: 1}, ff, prev, cfg).Call == result.LowRisk
		}
		lo, hi := -20*sd, TrisomyShift(f)
		if !isLow(lo) {
			continue
		}
		for range 24 {
			mid := (lo + hi) / 2
			if isLow(mid) {
				lo = mid
			} else {
				hi = mid
			}
		}
		p += w * stats.NormalCDF((lo-TrisomyShift(f))/sd)
	}
	return p / wsum
}

// permissivePrev is a prevalence low enough that the evidence bound
// (LR ≤ 1/20) rather than the residual risk decides: the most permissive
// setting any prevalence gives, so the bounds below hold for every
// condition (T21 at its default 1/252 needs LR ≤ 1/40).
const permissivePrev = 1e-3

// TestLowFFTrisomyRarelyLowRisk bounds the probability that a full trisomy
// is called low risk at a given fetal fraction, whatever the population
// distribution says about how rare that fraction is: the frequentist check
// of a rule whose threshold is Bayesian. Chromosome SDs 0.0078 (chr21 at
// 4 M reads, the validation reference) and 0.012 (about 1.5 M reads);
// fetal-fraction SEs 0.4 (chrY), 1 and 3 points (the sex-blind estimate of
// the validation cohort has 2.5–4); prevalence permissivePrev.
//
// No rule that ever says "low risk" can make this zero: below about 4% a
// trisomy's dosage shift is within ~2.5 SD of euploidy, and an imprecise
// estimate can put such a sample above min_ff. Required (and measured,
// in this grid):
//   - 2–3.5%: at most 10%, i.e. such a trisomy is at least nine times more
//     often a no-call or high risk than low risk (measured ≤ 9.1%, at 2%
//     with SE 3 points; ≤ 1.1% with SE ≤ 1 point);
//   - 4–5%, where validation studies start: at most 4% (measured ≤ 3.0%,
//     SD 0.012 and SE 3 points; ≤ 1.2% with SE ≤ 1 point);
//   - 6% and above: at most 1% (measured ≤ 0.5%).
//
// The test fails without min_ff (17.8% at 2%), with a population
// distribution as narrow as log-SD 0.25 (13.5% at 2%, 9.7% at 4%) or with
// a weaker evidence bound, LR ≤ 1/3 (11.2% at 2%, 4.9% at 4%). (The
// earlier rule — flat prior, LR ≤ 1/100 and a floor of 3.29 SE — stayed
// below 0.3% here, at the price of no-calling half the sex-blind samples.)
func TestLowFFTrisomyRarelyLowRisk(t *testing.T) {
	cfg := DefaultConfig()
	for _, tc := range []struct{ f, bound float64 }{{0.02, 0.10}, {0.03, 0.10}, {0.035, 0.10}, {0.04, 0.04}, {0.05, 0.04}, {0.06, 0.01}} {
		for _, sd := range []float64{0.0078, 0.012} {
			for _, se := range []float64{0.004, 0.01, 0.03} {
				if p := lowRiskProb(tc.f, sd, se, permissivePrev, cfg); p > tc.bound {
					t.Errorf("trisomy at FF %.1f%% (dosage SD %.4f, FF SE %.1f points): P(low risk) = %.2f%%, bound %.0f%%", 100*tc.f, sd, 100*se, 100*p, 100*tc.bound)
				}
			}
		}
	}
}

// TestPopulationMissRate: averaged over the population distribution of
// the fetal fraction itself (the default log-normal, 16 quantile nodes
// over ±3.5 log-SDs), the share of trisomies called low risk stays below
// 1%, the 99% detection target of screening, even with the sex-blind FF
// precision (SE 3 points) and a shallow sample (SD 0.012). Measured 0.12%
// at SD 0.0078 and 0.33% at 0.012; published cfDNA screening detects 99.7%
// of T21 (Gil et al. 2017).
func TestPopulationMissRate(t *testing.T) {
	if testing.Short() {
		t.Skip("exact integral over the population: about a second")
	}
	cfg := DefaultConfig()
	pop := cfg.PopulationFF()
	for _, sd := range []float64{0.0078, 0.012} {
		var p, w float64
		const n = 16
		for i := range n {
			u := -3.5 + 7*(float64(i)+0.5)/n
			wt := math.Exp(-u * u / 2)
			p += wt * lowRiskProb(pop.Median*math.Exp(pop.LogSD*u), sd, 0.03, permissivePrev, cfg)
			w += wt
		}
		if rate := p / w; rate > 0.01 {
			t.Errorf("dosage SD %.4f: %.2f%% of trisomies in the population called low risk, bound 1%%", sd, 100*rate)
		}
	}
}

// TestLowRiskProbMatchesSimulation checks the exact calculation the bounds
// rest on against seeded draws of trisomic samples: T21 at FF 3% with the
// sex-blind FF precision (SE 3 points) and at 4% with SD 0.012. 3,000
// draws: the binomial SE of a 3% rate is 0.31 points; the two must agree
// within 4 SEs.
func TestLowRiskProbMatchesSimulation(t *testing.T) {
	cfg := DefaultConfig()
	r := rand.New(rand.NewPCG(7, 11))
	for _, tc := range []struct{ f, sd, se float64 }{{0.03, 0.0078, 0.03}, {0.04, 0.012, 0.03}} {
		want := lowRiskProb(tc.f, tc.sd, tc.se, permissivePrev, cfg)
		const n = 3000
		low := 0
		for range n {
			d := TrisomyShift(tc.f) + tc.sd*r.NormFloat64()
			est := tc.f + tc.se*r.NormFloat64()
			if CallTrisomy(Dosage{Value: d, SD: tc.sd, Retention: 1}, FFPrior{est, tc.se}, permissivePrev, cfg).Call == result.LowRisk {
				low++
			}
		}
		got := float64(low) / n
		if tol := 4 * math.Sqrt(want*(1-want)/n); math.Abs(got-want) > tol {
			t.Errorf("FF %.0f%%: simulated P(low risk) %.2f%%, exact %.2f%% (tolerance %.2f points)", 100*tc.f, 100*got, 100*want, 100*tol)
		}
	}
}
