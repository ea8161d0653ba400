package refset

import (
	"math"
)

// minShrinkChroms is the fewest autosomes whose null SDs are pooled.
const minShrinkChroms = 5

// shrinkNulls pools the autosomes' null SDs of each method by empirical
// Bayes (James & Stein 1961; Efron & Morris 1975, JASA 70:311). Each
// chromosome's SD is its own cross-validated estimate from the N reference
// samples, whose log has a sampling SD of about 1/√(2(N − 1)) — 8% at 80
// samples. Its ratio to the chromosome's Poisson SD, l_c = log(SD_c/P_c),
// is modelled as a common mean m plus a true chromosome effect of
// variance τ² plus that sampling error s²; τ² is the variance of the l_c
// across autosomes less s² (at least 0), and each l_c moves towards m by
// the factor s²/(s² + τ²). On every reference of docs/validation.md the
// spread of the l_c is no larger than s: the chromosomes' noise ratios
// differ mostly by estimation error, and a chromosome whose SD read low
// got z-scores too wide on independent samples (null cohort: correlation
// −0.70 between the log ratio and the log z SD over the 22 autosomes).
// It calibrates the SDs, not the tails: on 3,000 euploid samples the false
// trisomy calls, set by the reference's run × chromosome offsets, did not
// fall (docs/validation.md, "Specificity cohort"). The own estimate is
// kept in CVSD. The nulls' N, and so the trisomy
// thresholds' degrees of freedom, stay those of the own estimates:
// conservative, as the pooled SD is at least as precise.
func shrinkNulls(chroms []ChromModel) {
	for _, m := range Methods {
		var idx []int
		var l []float64
		n := 0
		for c := range chroms {
			nl, ok := chroms[c].Nulls[m]
			if !ok || !(nl.SD > 0) || !(nl.Poisson > 0) || nl.N < 3 {
				continue
			}
			if n == 0 || nl.N < n {
				n = nl.N
			}
			idx = append(idx, c)
			l = append(l, math.Log(nl.SD/nl.Poisson))
		}
		if len(l) < minShrinkChroms {
			continue
		}
		var mean float64
		for _, v := range l {
			mean += v / float64(len(l))
		}
		var ss float64
		for _, v := range l {
			ss += (v - mean) * (v - mean)
		}
		s2 := 1 / (2 * float64(n-1))
		tau2 := math.Max(0, ss/float64(len(l)-1)-s2)
		b := s2 / (s2 + tau2)
		for k, c := range idx {
			nl := chroms[c].Nulls[m]
			nl.CVSD = nl.SD
			nl.SD = nl.Poisson * math.Exp(l[k]-b*(l[k]-mean))
			chroms[c].Nulls[m] = nl
		}
	}
}
