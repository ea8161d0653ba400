package mixture

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// ModelND is a d-dimensional Gaussian mixture with full covariances,
// components sorted by mean (first coordinate, then the next).
type ModelND struct {
	Weights []float64
	Means   [][]float64
	Covs    []*mat.SymDense
	// LogLik, Iterations, Converged and N as in Model.
	LogLik     float64
	Iterations int
	Converged  bool
	N          int

	chol []mat.Cholesky // factorizations of Covs, cached by the fit
	prec *precisions    // derived from chol
}

// K returns the number of components; Dim the dimension.
func (m *ModelND) K() int { return len(m.Means) }

// Dim returns the dimension (0 for an empty model).
func (m *ModelND) Dim() int {
	if len(m.Means) == 0 {
		return 0
	}
	return len(m.Means[0])
}

// factorize computes and caches the Cholesky factors of Covs and the derived
// precisions; it reports false if a covariance is not positive definite.
// Fit results come factorized.
func (m *ModelND) factorize() bool {
	ch, ok := factorCovs(m.Covs)
	m.chol = ch
	m.prec = nil
	if ok {
		m.prec = m.newPrecisions(ch)
	}
	return ok
}

// precision returns the cached precisions, or fresh ones for a model built
// by hand (not cached, so concurrent use of a model is safe).
func (m *ModelND) precision() (*precisions, bool) {
	if m.prec != nil && len(m.prec.logc) == len(m.Covs) {
		return m.prec, true
	}
	ch, ok := factorCovs(m.Covs)
	if !ok {
		return nil, false
	}
	return m.newPrecisions(ch), true
}

func factorCovs(covs []*mat.SymDense) ([]mat.Cholesky, bool) {
	ch := make([]mat.Cholesky, len(covs))
	for j, c := range covs {
		if c == nil || !ch[j].Factorize(c) {
			return nil, false
		}
	}
	return ch, true
}

// logComponent fills out[j] = log(wⱼ·N(x; μⱼ, Σⱼ)) using the cached inverse
// covariances of prec.
func (m *ModelND) logComponent(prec *precisions, x, out, diff []float64) {
	d := len(x)
	for j := range m.Means {
		if m.Weights[j] == 0 || prec.inv[j] == nil {
			out[j] = math.Inf(-1)
			continue
		}
		for t := 0; t < d; t++ {
			diff[t] = x[t] - m.Means[j][t]
		}
		q := 0.0
		inv := prec.inv[j]
		for a := 0; a < d; a++ {
			row := inv[a*d : (a+1)*d]
			s := 0.0
			for b, v := range row {
				s += v * diff[b]
			}
			q += diff[a] * s
		}
		out[j] = prec.logc[j] - 0.5*q
	}
}

// precisions caches, per component, Σⱼ⁻¹ (row-major) and
// log wⱼ - ½log|Σⱼ| - (d/2)·log 2π, so that densities need no factorization.
// It is read-only once built.
type precisions struct {
	inv  [][]float64
	logc []float64
}

// newPrecisions computes the cache from Cholesky factors.
func (m *ModelND) newPrecisions(ch []mat.Cholesky) *precisions {
	d := m.Dim()
	p := &precisions{inv: make([][]float64, m.K()), logc: make([]float64, m.K())}
	var inv mat.SymDense
	for j := range ch {
		if m.Weights[j] == 0 {
			continue
		}
		if err := ch[j].InverseTo(&inv); err != nil {
			continue // -Inf density: the component is unusable
		}
		p.inv[j] = make([]float64, d*d)
		for a := 0; a < d; a++ {
			for b := 0; b < d; b++ {
				p.inv[j][a*d+b] = inv.At(a, b)
			}
		}
		p.logc[j] = math.Log(m.Weights[j]) - 0.5*ch[j].LogDet() - float64(d)*logSqrt2Pi
	}
	return p
}

// validRow reports whether x has the model's dimension and finite values.
func validRow(x []float64, d int) bool {
	if len(x) != d {
		return false
	}
	for _, v := range x {
		if !isFinite(v) {
			return false
		}
	}
	return true
}

// Posterior returns the posterior probability of each component given x; nil
// if x has the wrong dimension or a non-finite value.
func (m *ModelND) Posterior(x []float64) []float64 {
	if m.K() == 0 || !validRow(x, m.Dim()) {
		return nil
	}
	prec, ok := m.precision()
	if !ok {
		return nil
	}
	lc := make([]float64, m.K())
	m.logComponent(prec, x, lc, make([]float64, len(x)))
	t := logSumExp(lc)
	for j := range lc {
		lc[j] = math.Exp(lc[j] - t)
	}
	return lc
}

// LogPDF returns the log mixture density at x (NaN for an invalid row).
func (m *ModelND) LogPDF(x []float64) float64 {
	if m.K() == 0 || !validRow(x, m.Dim()) {
		return math.NaN()
	}
	prec, ok := m.precision()
	if !ok {
		return math.NaN()
	}
	lc := make([]float64, m.K())
	m.logComponent(prec, x, lc, make([]float64, len(x)))
	return logSumExp(lc)
}

// LogLikelihood returns the log-likelihood of the valid rows of x.
func (m *ModelND) LogLikelihood(x [][]float64) float64 {
	if m.K() == 0 {
		return math.NaN()
	}
	prec, ok := m.precision()
	if !ok {
		return math.NaN()
	}
	d := m.Dim()
	lc := make([]float64, m.K())
	diff := make([]float64, d)
	ll := 0.0
	for _, row := range x {
		if !validRow(row, d) {
			continue
		}
		m.logComponent(prec, row, lc, diff)
		ll += logSumExp(lc)
	}
	return ll
}

// NumParams returns k-1 weights + k·d means + k·d(d+1)/2 covariance entries.
func (m *ModelND) NumParams() int {
	k, d := m.K(), m.Dim()
	return k - 1 + k*d + k*d*(d+1)/2
}

// BIC returns -2·logL + p·ln(n) over the valid rows of x.
func (m *ModelND) BIC(x [][]float64) float64 {
	n := 0
	for _, row := range x {
		if validRow(row, m.Dim()) {
			n++
		}
	}
	return -2*m.LogLikelihood(x) + float64(m.NumParams())*math.Log(float64(n))
}
