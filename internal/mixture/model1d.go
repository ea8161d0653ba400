package mixture

import (
	"math"
)

// Model is a one-dimensional Gaussian mixture, components sorted by mean.
type Model struct {
	Weights, Means, SDs []float64
	// LogLik is the log-likelihood of the fitted data; Iterations the EM
	// iterations of the kept restart; Converged whether it met the
	// tolerance; N the number of finite values fitted.
	LogLik     float64
	Iterations int
	Converged  bool
	N          int
}

// K returns the number of components.
func (m *Model) K() int { return len(m.Means) }

const logSqrt2Pi = 0.91893853320467274178 // ½·ln(2π)

// logComponent returns log(wⱼ·N(x; μⱼ, σⱼ)) for every component into out.
func (m *Model) logComponent(x float64, out []float64) {
	for j := range m.Means {
		z := (x - m.Means[j]) / m.SDs[j]
		out[j] = math.Log(m.Weights[j]) - math.Log(m.SDs[j]) - logSqrt2Pi - 0.5*z*z
	}
}

// logSumExp returns log Σ exp(v) without overflow.
func logSumExp(v []float64) float64 {
	mx := math.Inf(-1)
	for _, a := range v {
		mx = math.Max(mx, a)
	}
	if math.IsInf(mx, -1) {
		return mx
	}
	s := 0.0
	for _, a := range v {
		s += math.Exp(a - mx)
	}
	return mx + math.Log(s)
}

// LogPDF returns the log mixture density at x (NaN for NaN x).
func (m *Model) LogPDF(x float64) float64 {
	if math.IsNaN(x) {
		return math.NaN()
	}
	lc := make([]float64, m.K())
	m.logComponent(x, lc)
	return logSumExp(lc)
}

// Posterior returns the posterior probability of each component given x
// (nil for non-finite x).
func (m *Model) Posterior(x float64) []float64 {
	if !isFinite(x) || m.K() == 0 {
		return nil
	}
	lc := make([]float64, m.K())
	m.logComponent(x, lc)
	t := logSumExp(lc)
	for j := range lc {
		lc[j] = math.Exp(lc[j] - t)
	}
	return lc
}

// LogLikelihood returns the log-likelihood of the finite values of x.
func (m *Model) LogLikelihood(x []float64) float64 {
	lc := make([]float64, m.K())
	ll := 0.0
	for _, v := range x {
		if !isFinite(v) {
			continue
		}
		m.logComponent(v, lc)
		ll += logSumExp(lc)
	}
	return ll
}

// NumParams returns the number of free parameters: k-1 weights, k means and
// k SDs.
func (m *Model) NumParams() int { return 3*m.K() - 1 }

// BIC returns the Bayesian information criterion -2·logL + p·ln(n) of the
// model on the finite values of x (lower is better).
func (m *Model) BIC(x []float64) float64 {
	n := 0
	for _, v := range x {
		if isFinite(v) {
			n++
		}
	}
	return -2*m.LogLikelihood(x) + float64(m.NumParams())*math.Log(float64(n))
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
