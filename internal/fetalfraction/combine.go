package fetalfraction

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// Z95 is the two-sided 95% normal quantile.
const Z95 = 1.959963984540054

// Combine merges estimates with covariance matrix cov by generalised least
// squares (the best linear unbiased combination, Aitken 1935): weights
// Σ⁻¹1 / (1ᵀΣ⁻¹1) and variance 1/(1ᵀΣ⁻¹1). With a diagonal cov this is
// inverse-variance weighting. If cov cannot be inverted, or the GLS weights
// turn negative (strongly correlated estimates, where GLS extrapolates),
// it falls back to inverse-variance weights on the diagonal.
func Combine(values []float64, cov [][]float64) (v, se float64, weights []float64) {
	n := len(values)
	if n == 0 {
		return math.NaN(), math.NaN(), nil
	}
	s := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			s.SetSym(i, j, cov[i][j])
		}
	}
	var ch mat.Cholesky
	if ch.Factorize(s) {
		one := mat.NewVecDense(n, nil)
		for i := 0; i < n; i++ {
			one.SetVec(i, 1)
		}
		var w mat.VecDense
		if err := ch.SolveVecTo(&w, one); err == nil {
			var tot float64
			neg := false
			for i := 0; i < n; i++ {
				tot += w.AtVec(i)
				neg = neg || w.AtVec(i) < 0
			}
			if tot > 0 && !neg {
				weights = make([]float64, n)
				for i := range weights {
					weights[i] = w.AtVec(i) / tot
					v += weights[i] * values[i]
				}
				return v, math.Sqrt(1 / tot), weights
			}
		}
	}
	weights = make([]float64, n)
	var tot float64
	for i := 0; i < n; i++ {
		weights[i] = 1 / cov[i][i]
		tot += weights[i]
	}
	for i := range weights {
		weights[i] /= tot
		v += weights[i] * values[i]
	}
	return v, math.Sqrt(1 / tot), weights
}
