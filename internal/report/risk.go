package report

import (
	"math"
	"strconv"
	"strings"

	"github.com/nipt/nipt/internal/result"
)

// Residual risk (result.Finding.ResidualRisk) is the probability of the
// trisomy after the test: the prior risk (the prevalence of the lab
// profile, or qc.toml [prevalence]) updated by the test's likelihood ratio
// with Bayes' rule (call.ResidualRisk). Screening reports state it as
// "1 in N" (ACMG 2016, ISPD 2015: the individual risk rather than the
// population PPV/NPV alone), and as a percentage once it reaches 1 in 100,
// where "1 in N" with a small N reads poorly (97% is "1 in 1.03").

// minShownRisk is the smallest residual risk printed as a number; below
// it the report says "< 1 in 1,000,000". The risk comes from a Gaussian
// model of the dosage noise and assumes that cfDNA mirrors the fetus:
// below 1 in a million it rests on tails of that model far beyond what a
// reference cohort checks, and no validation could confirm it (the rule
// of three needs 3 million low-risk pregnancies with known outcome to
// bound a rate at 1 in a million), so smaller figures would state a
// precision the test does not have.
const minShownRisk = 1e-6

// maxShownRisk: from here on the percentage would round to 100%, which
// no screening test can state; printed as "> 99.9%".
const maxShownRisk = 0.9995

// riskText prints a residual risk: "1 in 48,000" below 1%, "97% (1 in
// 1.03)" from 1% on, "< 1 in 1,000,000" and "> 99.9%" at the ends. ok is
// false when p is no usable risk (not positive, NaN or above 1: a
// result.json written before residual_risk existed reads 0).
func riskText(p float64) (string, bool) {
	switch {
	case !(p > 0 && p <= 1):
		return "", false
	case p < minShownRisk:
		return "< " + oneIn(minShownRisk), true
	case p < 0.01:
		return oneIn(p), true
	case p >= maxShownRisk:
		return "> 99.9%", true
	}
	return riskPct(p) + " (" + oneIn(p) + ")", true
}

// oneIn prints p as "1 in N": N with two significant digits from 100 on
// (the precision call.OneIn gives, with thousands separators), whole
// below that, and three significant digits below 10, where rounding to a
// whole number would turn 97% into "1 in 1".
func oneIn(p float64) string {
	n := 1 / p
	switch {
	case n >= 100:
		e := math.Pow(10, math.Floor(math.Log10(n))-1)
		return "1 in " + thousands(int64(math.Round(n/e)*e))
	case n >= 10:
		return "1 in " + strconv.FormatFloat(math.Round(n), 'f', -1, 64)
	}
	return "1 in " + strconv.FormatFloat(n, 'g', 3, 64)
}

// riskPct prints a probability of at least 1% as a percentage with two
// significant digits (2.4%, 97%), three from 99% on (99.4%).
func riskPct(p float64) string {
	x, digits := 100*p, 2
	if x >= 99 {
		digits = 3
	}
	return strconv.FormatFloat(x, 'g', digits, 64) + "%"
}

// trisomyName is "trisomy 21" for condition "T21".
func trisomyName(condition string) string {
	return "trisomy " + strings.TrimPrefix(condition, "T")
}

// findingRisk is the residual-risk statement of a called finding:
// "Residual risk 1 in 48,000" for low risk, "Probability of trisomy 21
// after the test: 97% (1 in 1.03)" for high risk; empty for a no call
// (which gives a reason, not a risk), after a failed QC (which voids the
// calls) or without a usable risk.
func findingRisk(f result.Finding, usable bool) string {
	s, ok := riskText(f.ResidualRisk)
	if !ok || !usable {
		return ""
	}
	switch f.Call {
	case result.LowRisk:
		return "Residual risk " + s
	case result.HighRisk:
		return "Probability of " + trisomyName(f.Condition) + " after the test: " + s
	}
	return ""
}

// riskNote explains the residual risk below the results table.
var riskNote = "Residual risk (risk after the test): the chance that the fetus has the condition given this result and the prior risk (the prevalence in the tested population, from the laboratory profile); it is not a diagnosis. " +
	"It is computed from the sequencing data and leaves out biological causes of a discordant result (confined placental mosaicism, a vanished twin, a maternal chromosomal change), so the chance of an affected fetus after a high-risk result can be lower than stated (see the PPV). " +
	"Risks below " + oneIn(minShownRisk) + " are printed as < " + oneIn(minShownRisk) + "; no risk is given for a no call."
