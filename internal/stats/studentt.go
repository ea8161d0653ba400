package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// StudentTQuantile returns the p quantile of Student's t with df degrees
// of freedom, or the standard normal quantile when df ≤ 0 or infinite (a
// known SD). A statistic standardised by an SD estimated on df degrees of
// freedom from normal data has this distribution, so it is the threshold
// that keeps a nominal false-positive rate when the SD is estimated.
func StudentTQuantile(p, df float64) float64 {
	if !(df > 0) || math.IsInf(df, 1) {
		return NormalQuantile(p)
	}
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(p)
}

// ChiSquareQuantile returns the p quantile of the χ² distribution with df
// degrees of freedom (df > 0), e.g. for the confidence interval of an SD
// estimated from normal data: σ between s·√(df/χ²_{1−α/2}) and
// s·√(df/χ²_{α/2}).
func ChiSquareQuantile(p, df float64) float64 {
	return distuv.ChiSquared{K: df}.Quantile(p)
}
