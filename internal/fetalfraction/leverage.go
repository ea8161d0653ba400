package fetalfraction

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Leverage measures how far a new sample's features lie from a ridge
// model's training samples in the directions the model uses: for a ridge
// fit β = (X̃ᵀX̃ + λI)⁻¹X̃ᵀỹ on centred features X̃ the variance of a
// prediction at x is σ²·h(x), h = 1/n + x̃ᵀ(X̃ᵀX̃ + λI)⁻¹X̃ᵀX̃(X̃ᵀX̃ + λI)⁻¹x̃,
// x̃ = x − mean. The cross-validated error describes a training sample of
// average h̄; a sample with larger h has a larger error, by
// √((1 + h)/(1 + h̄)) (the prediction-interval factor of linear models,
// e.g. Seber & Lee, Linear Regression Analysis, §5.3).
type Leverage struct {
	Mean []float64 `json:"mean"`
	A    []float64 `json:"a"` // (M+λI)⁻¹M(M+λI)⁻¹, row-major p×p, M = X̃ᵀX̃
	N    int       `json:"n"`
	HBar float64   `json:"h_bar"`
}

// NewLeverage builds the leverage model of training features x (n × p)
// at penalty lam.
func NewLeverage(x *mat.Dense, lam float64) (*Leverage, error) {
	n, p := x.Dims()
	if n < 2 || !(lam >= 0) {
		return nil, errors.New("fetalfraction: leverage needs two samples and a penalty ≥ 0")
	}
	l := &Leverage{Mean: make([]float64, p), N: n}
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			l.Mean[j] += x.At(i, j) / float64(n)
		}
	}
	xc := mat.NewDense(n, p, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			xc.Set(i, j, x.At(i, j)-l.Mean[j])
		}
	}
	var m mat.Dense
	m.Mul(xc.T(), xc)
	reg := mat.DenseCopyOf(&m)
	for j := 0; j < p; j++ {
		reg.Set(j, j, reg.At(j, j)+lam)
	}
	var b mat.Dense
	if err := b.Inverse(reg); err != nil {
		return nil, errors.New("fetalfraction: ridge matrix is singular")
	}
	var bm, a mat.Dense
	bm.Mul(&b, &m)
	a.Mul(&bm, &b)
	l.A = make([]float64, p*p)
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			l.A[i*p+j] = a.At(i, j)
		}
	}
	for i := 0; i < n; i++ {
		l.HBar += l.h(x.RawRowView(i)) / float64(n)
	}
	return l, nil
}

// h returns the prediction-variance factor of features v.
func (l *Leverage) h(v []float64) float64 {
	p := len(l.Mean)
	s := 1 / float64(max(l.N, 1))
	for i := 0; i < p; i++ {
		di := v[i] - l.Mean[i]
		for j := 0; j < p; j++ {
			s += di * l.A[i*p+j] * (v[j] - l.Mean[j])
		}
	}
	return s
}

// Factor returns √((1 + h)/(1 + h̄)), at least 1 (a typical sample keeps
// the cross-validated error); 1 for features of the wrong length.
func (l *Leverage) Factor(v []float64) float64 {
	if len(v) != len(l.Mean) || len(l.A) != len(v)*len(v) {
		return 1
	}
	return math.Max(1, math.Sqrt((1+l.h(v))/(1+l.HBar)))
}
